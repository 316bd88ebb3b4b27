import type { Denomination, DenominationCount as Count } from '../../domain/api.js';
import { moneyPlain, useT } from '../i18n/index.js';

export const keyOf = (d: Denomination) => `${d.form}-${d.valuePara}`;

export interface CountResult {
  total: number;
  count: Count;
  invalid: Set<string>;
}

/** Pieces typed per denomination → the API's count and its total; blank is zero. */
export function readCount(denominations: Denomination[], pieces: Record<string, string>): CountResult {
  let total = 0;
  const count: Count = [];
  const invalid = new Set<string>();
  for (const d of denominations) {
    const raw = (pieces[keyOf(d)] ?? '').trim();
    if (raw === '') continue;
    if (!/^\d{1,6}$/.test(raw) || Number(raw) > 100_000) {
      invalid.add(keyOf(d));
      continue;
    }
    const quantity = Number(raw);
    if (quantity === 0) continue;
    count.push({ valuePara: d.valuePara, form: d.form, quantity });
    total += d.valuePara * quantity;
  }
  return { total, count, invalid };
}

function denominationName(d: Denomination): string {
  return moneyPlain(d.valuePara).replace(/,00$/, '');
}

/** The drawer counted note by note and coin by coin, with a live subtotal per row. */
export function DenominationCount({
  denominations,
  pieces,
  onChange,
  idPrefix,
  invalid,
}: {
  denominations: Denomination[];
  pieces: Record<string, string>;
  onChange(key: string, value: string): void;
  idPrefix: string;
  invalid: Set<string>;
}) {
  const t = useT();
  return (
    <div className="count-grid" role="group" aria-label={t('count.denomination')}>
      {denominations.map((d, i) => {
        const key = keyOf(d);
        const id = `${idPrefix}-${key}`;
        const raw = pieces[key] ?? '';
        const bad = invalid.has(key);
        const sub = !bad && /^\d+$/.test(raw.trim()) ? Number(raw) * d.valuePara : 0;
        const form = t(d.form === 'note' ? 'count.note' : 'count.coin');
        return (
          <div className={`count-cell count-${d.form}${bad ? ' field-invalid' : ''}`} key={key}>
            <label htmlFor={id}>
              <span className="count-value">{denominationName(d)}</span> <span className="count-form">{form}</span>
              <span className="sr-only"> RSD, {t('count.pieces')}</span>
            </label>
            <input
              id={id}
              data-testid={id}
              data-advance=""
              inputMode="numeric"
              autoComplete="off"
              value={raw}
              placeholder="0"
              autoFocus={i === 0}
              aria-invalid={bad || undefined}
              aria-describedby={bad ? `${id}-error` : undefined}
              onChange={(e) => onChange(key, e.target.value)}
              onFocus={(e) => e.target.select()}
            />
            <div className="count-sub" aria-hidden="true">
              {sub ? moneyPlain(sub) : ' '}
            </div>
            {bad ? (
              <div id={`${id}-error`} className="field-error">
                {t('rule.pieces')}
              </div>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
