/** Tariffs: prices by code, each valid from an instant. A receipt keeps the price it was sold at. */
import { prep } from '../db/prepared.js';
import type { TariffView } from '../domain/api.js';
import type { Store } from './store.js';

interface TariffRow {
  code: string;
  item_kind: string;
  name_sr: string;
  name_en: string;
  price_para: number;
  valid_from: string;
  sample: number;
}

function toView(r: TariffRow): TariffView {
  return { code: r.code, itemKind: r.item_kind, nameSr: r.name_sr, nameEn: r.name_en, pricePara: r.price_para, validFrom: r.valid_from, sample: r.sample === 1 };
}

/** The tariff row in force for code at the instant `at`. */
export function tariffAt(store: Store, code: string, at: string): TariffView | null {
  const row = prep(store.db, 'SELECT * FROM tariffs WHERE code = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1')
    .get(code, at) as TariffRow | undefined;
  return row ? toView(row) : null;
}

/** Every code's tariff in force now, optionally for one item kind. */
export function currentTariffs(store: Store, at: string, itemKind?: string): TariffView[] {
  const rows = prep(store.db, 
      `SELECT t.* FROM tariffs t
       WHERE t.valid_from = (SELECT MAX(valid_from) FROM tariffs u WHERE u.code = t.code AND u.valid_from <= ?)
         AND (? IS NULL OR t.item_kind = ?)
       ORDER BY t.item_kind, t.code`,
    )
    .all(at, itemKind ?? null, itemKind ?? null) as TariffRow[];
  return rows.map(toView);
}
