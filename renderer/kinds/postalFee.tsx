/** "Postal fee": F2, a searchable list of the postal-fee tariffs and a quantity. */
import type React from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TariffView } from '../../domain/api.js';
import type { PostalFeeItemInput } from '../../domain/items.js';
import { Dialog } from '../components/Dialog.js';
import { Field } from '../components/Field.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { money, useT } from '../i18n/index.js';
import { cyrToLat } from '../i18n/translit.js';
import type { Locale } from '../i18n/messages.js';
import { useLocale } from '../stores/locale.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { registerKindUi, type KindPanelProps } from './registry.js';

function tariffName(t: TariffView, locale: Locale): string {
  if (locale === 'en') return t.nameEn;
  return locale === 'sr-Latn' ? cyrToLat(t.nameSr) : t.nameSr;
}

/** Lower case, no diacritics: "Оверени" finds "overeni", "cert" finds "Certified copy". */
function fold(s: string): string {
  return cyrToLat(s.toLowerCase())
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'dj');
}

let tariffCache: TariffView[] | null = null;

function PostalFeePanel({ onAdd, onClose }: KindPanelProps<PostalFeeItemInput>) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const [tariffs, setTariffs] = useState<TariffView[] | null>(tariffCache);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [chosen, setChosen] = useState<TariffView | null>(null);
  const [quantity, setQuantity] = useState('1');
  const [rule, setRule] = useState<'rule.quantity' | 'rule.chooseTariff' | null>(null);
  const qtyRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  /** Enter pressed before the tariffs arrived: the clerk typed ahead, the choice waits for the list. */
  const pending = useRef<'choose' | 'add' | null>(null);

  useEffect(() => {
    let live = true;
    // Always refreshed: a tariff may have changed since the last customer.
    call('catalog.tariffs', { itemKind: 'postal_fee' }).then(
      (rows) => {
        tariffCache = rows;
        if (live) setTariffs(rows);
      },
      (e: unknown) => live && setLoadError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const matches = useMemo(() => {
    const q = fold(query.trim());
    const all = tariffs ?? [];
    if (!q) return all;
    return all.filter((x) => fold(`${x.code} ${x.nameSr} ${x.nameEn}`).includes(q));
  }, [tariffs, query]);
  const activeIndex = Math.min(active, Math.max(0, matches.length - 1));
  const activeTariff = matches[activeIndex] ?? null;

  function choose(tariff: TariffView | null) {
    if (!tariff) {
      setRule('rule.chooseTariff');
      return;
    }
    setChosen(tariff);
    setRule(null);
    // Typed ahead into the quantity while the list was loading: keep what the clerk typed.
    if (document.activeElement === qtyRef.current) return;
    qtyRef.current?.focus();
    qtyRef.current?.select();
  }

  function add() {
    if (tariffs === null && !loadError) {
      // The list is still loading: the line is added as soon as it arrives.
      pending.current = 'add';
      return;
    }
    const tariff = chosen ?? activeTariff;
    if (!tariff) {
      setRule('rule.chooseTariff');
      searchRef.current?.focus();
      return;
    }
    const q = quantity.trim();
    if (!/^\d{1,3}$/.test(q) || Number(q) < 1) {
      setRule('rule.quantity');
      qtyRef.current?.focus();
      return;
    }
    onAdd({ kind: 'postal_fee', tariffCode: tariff.code, quantity: Number(q) });
  }

  useEffect(() => {
    const waiting = pending.current;
    if (!tariffs || !waiting) return;
    pending.current = null;
    if (waiting === 'add') add();
    else choose(activeTariff);
  }, [tariffs]);

  function onSearchKey(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = matches.length;
      if (n === 0) return;
      setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
      setChosen(null);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      if (tariffs === null && !loadError) {
        pending.current = pending.current ? 'add' : 'choose';
        // The clerk types the quantity next: let it land in the quantity, not in the search.
        qtyRef.current?.focus();
        qtyRef.current?.select();
      } else choose(activeTariff);
    }
  }

  function onQtyKey(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      add();
    }
  }

  const shown = chosen ?? activeTariff;
  return (
    <Dialog title={t('postalFee.title')} testId="panel-postal_fee" onClose={onClose}>
      <ErrorAlert error={loadError} />
      <div className="field">
        <label htmlFor="fee-search">{t('postalFee.search')}</label>
        <input
          id="fee-search"
          data-testid="fee-search"
          ref={searchRef}
          role="combobox"
          aria-expanded="true"
          aria-controls="fee-list"
          aria-autocomplete="list"
          aria-activedescendant={activeTariff ? `fee-${activeTariff.code}` : undefined}
          aria-invalid={rule === 'rule.chooseTariff' || undefined}
          aria-describedby={rule === 'rule.chooseTariff' ? 'fee-search-error' : undefined}
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setChosen(null);
          }}
          onKeyDown={onSearchKey}
        />
        {rule === 'rule.chooseTariff' ? (
          <div id="fee-search-error" className="field-error">
            {t('rule.chooseTariff')}
          </div>
        ) : null}
      </div>
      {tariffs === null && !loadError ? <p>{t('postalFee.loading')}</p> : null}
      <ul id="fee-list" role="listbox" aria-label={t('postalFee.list')} className="listbox" data-testid="fee-list">
        {matches.map((x, i) => (
          <li
            key={x.code}
            id={`fee-${x.code}`}
            role="option"
            aria-selected={i === activeIndex}
            className={i === activeIndex ? 'option option-active' : 'option'}
            data-testid={`fee-option-${x.code}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              setActive(i);
              choose(x);
            }}
          >
            <span className="option-name">{tariffName(x, locale)}</span>
            <span className="option-code">{x.code}</span>
            <span className="option-price">{money(x.pricePara)}</span>
          </li>
        ))}
        {tariffs !== null && matches.length === 0 ? <li className="option option-none">{t('postalFee.none')}</li> : null}
      </ul>
      <div className="row">
        <Field
          id="fee-quantity"
          ref={qtyRef}
          label={t('postalFee.quantity')}
          inputMode="numeric"
          maxLength={3}
          value={quantity}
          advance={false}
          onChange={(e) => setQuantity(e.target.value)}
          onKeyDown={onQtyKey}
          onFocus={(e) => e.target.select()}
          error={rule === 'rule.quantity' ? t('rule.quantity') : null}
          hint={shown ? t('postalFee.chosen', { name: tariffName(shown, locale), price: money(shown.pricePara) }) : undefined}
        />
      </div>
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t('keys.close')} <kbd>Esc</kbd>
        </button>
        <button type="button" className="primary" onClick={add} data-testid="fee-add">
          {t('postalFee.add')} <kbd>Enter</kbd>
        </button>
      </div>
      <p className="panel-keys">
        <kbd>↑</kbd> <kbd>↓</kbd> {t('keys.move')} · <kbd>Enter</kbd> {t('keys.choose')} · <kbd>Esc</kbd> {t('keys.close')}
      </p>
    </Dialog>
  );
}

registerKindUi({
  kind: 'postal_fee',
  key: 'F2',
  label: 'kind.postal_fee',
  Panel: PostalFeePanel,
  lineName(line, locale) {
    if (locale === 'en' && line.details.nameEn) return line.details.nameEn;
    return locale === 'sr-Latn' ? cyrToLat(line.description) : line.description;
  },
  hiddenDetails: ['nameEn', 'code'],
});
