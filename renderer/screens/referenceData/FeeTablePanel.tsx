import { useFocusSoon } from '../../useFocusSoon.js';
import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import type { FeeBandView, FeeTable } from '../../../domain/api.js';
import { assertFeeBands } from '../../../domain/fees.js';
import { parseMoney } from '../../../domain/money.js';
import { ErrorAlert, StatusLine } from '../../components/ErrorAlert.js';
import { money, moneyPlain, useFormat, useT } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/messages.js';
import { said, say, type Said } from '../../i18n/said.js';
import { useLocale } from '../../stores/locale.js';
import { advanceOnEnter } from '../../keyboard.js';
import { call } from '../../client.js';
import { ApiError, toApiError } from '../../api.js';

const COLUMNS = ['from', 'to', 'fixed', 'percent', 'min', 'max'] as const;
type Column = (typeof COLUMNS)[number];
type BandText = Record<Column, string>;

const COLUMN_LABEL: Record<Column, MessageKey> = {
  from: 'refData.col.from',
  to: 'refData.col.to',
  fixed: 'refData.col.fixed',
  percent: 'refData.col.percent',
  min: 'refData.col.min',
  max: 'refData.col.max',
};

/** 250 basis points → "2,5". */
export function percentText(bp: number): string {
  const frac = bp % 100;
  return frac === 0 ? String(Math.trunc(bp / 100)) : `${Math.trunc(bp / 100)},${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

function parsePercent(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10000 ? bp : null;
}

const toText = (b: FeeBandView): BandText => ({
  from: moneyPlain(b.fromPara),
  to: b.toPara === null ? '' : moneyPlain(b.toPara),
  fixed: moneyPlain(b.fixedPara),
  percent: percentText(b.percentBp),
  min: moneyPlain(b.minPara),
  max: b.maxPara === null ? '' : moneyPlain(b.maxPara),
});

function readMoney(text: string): number | null {
  try {
    return parseMoney(text);
  } catch {
    return null;
  }
}

/** The typed table checked band by band, each broken rule in words; the bands when all is well. */
export function readBands(rows: BandText[]): { bands: FeeBandView[] | null; problems: { cell: string; rule: Said }[] } {
  const problems: { cell: string; rule: Said }[] = [];
  const bands: FeeBandView[] = [];
  const band = (i: number, rule: Said) => said('refData.bandRule', { n: i + 1, rule });
  rows.forEach((r, i) => {
    const need = (c: Column, optional: boolean): number | null => {
      if (optional && r[c].trim() === '') return null;
      const v = readMoney(r[c]);
      if (v === null) problems.push({ cell: `${i}.${c}`, rule: band(i, said('refData.ruleMoney', { field: said(COLUMN_LABEL[c]) })) });
      return v;
    };
    const from = need('from', false);
    const to = need('to', true);
    const fixed = need('fixed', false);
    const min = need('min', false);
    const max = need('max', true);
    const percentBp = parsePercent(r.percent);
    if (percentBp === null) problems.push({ cell: `${i}.percent`, rule: band(i, said('refData.rulePercent')) });
    if (from !== null && to !== null && to < from) problems.push({ cell: `${i}.to`, rule: band(i, said('refData.ruleToFrom')) });
    if (min !== null && max !== null && max < min) problems.push({ cell: `${i}.max`, rule: band(i, said('refData.ruleMinMax')) });
    bands.push({ fromPara: from ?? 0, toPara: to, fixedPara: fixed ?? 0, percentBp: percentBp ?? 0, minPara: min ?? 0, maxPara: max });
  });
  for (let i = 1; i < bands.length; i++) {
    const prev = bands[i - 1]!;
    if (prev.toPara === null && rows[i - 1]!.to.trim() === '') problems.push({ cell: `${i - 1}.to`, rule: band(i - 1, said('refData.ruleOpen')) });
    else if (prev.toPara !== null && bands[i]!.fromPara !== prev.toPara + 1 && readMoney(rows[i]!.from) !== null) {
      problems.push({ cell: `${i}.from`, rule: band(i, said('refData.ruleStart', { from: moneyPlain(prev.toPara + 1), prev: i })) });
    }
  }
  return { bands: problems.length === 0 ? bands : null, problems };
}

/** The bill-payment fee table: shown as it is in force, and replaced as a whole by a supervisor. */
export function FeeTablePanel({ onBusy }: { onBusy(busy: boolean): void }) {
  const t = useT();
  const f = useFormat();
  const locale = useLocale((s) => s.locale);
  const [table, setTable] = useState<FeeTable | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [rows, setRows] = useState<BandText[] | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const replaceRef = useRef<HTMLButtonElement>(null);
  const focusSoon = useFocusSoon();
  useEffect(() => {
    call('payments.feeTable', {}).then(
      (ft) => setTable(ft),
      (e: unknown) => setError(toApiError(e)),
    );
  }, []);
  useEffect(() => onBusy(rows !== null), [rows]);
  // Focus once the table has arrived and the button is enabled (a disabled button cannot take focus).
  useEffect(() => {
    if (table !== undefined) replaceRef.current?.focus();
  }, [table]);

  const checked = rows ? readBands(rows) : null;
  const bad = new Set(showAll && checked ? checked.problems.map((p) => p.cell) : []);

  function startEdit() {
    setRows((table?.bands ?? []).map(toText));
    setShowAll(false);
    setNotice(null);
    setError(null);
    focusSoon(() => document.getElementById('band-0-from'));
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!rows || busy) return;
    setShowAll(true);
    const { bands } = readBands(rows);
    if (!bands) return;
    try {
      assertFeeBands(bands);
    } catch (ex) {
      setError(new ApiError('FEE_BANDS_INVALID', ex instanceof Error ? ex.message : ''));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await call('payments.replaceFeeTable', { bands });
      setTable(next);
      setRows(null);
      setNotice(t('refData.saved'));
      focusSoon(() => replaceRef.current);
    } catch (ex) {
      setError(toApiError(ex));
    } finally {
      setBusy(false);
    }
  }

  function onFormKey(e: React.KeyboardEvent<HTMLFormElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setRows(null);
      return;
    }
    advanceOnEnter(e);
  }

  const edit = (i: number, c: Column, v: string) => setRows((rs) => rs && rs.map((r, j) => (j === i ? { ...r, [c]: v } : r)));

  return (
    <section aria-labelledby="fees-title">
      <h2 id="fees-title">{t('refData.fees')}</h2>
      <StatusLine text={notice} testId="refdata-notice" />
      <ErrorAlert error={error} />
      {table === undefined && !error ? <p>{t('common.working')}</p> : null}
      {table === null ? <p>{t('refData.feeNoTable')}</p> : null}
      {table ? (
        <p>
          {t('refData.feeValidFrom', { at: f.dateTime(table.validFrom) })}{' '}
          {table.sample ? (
            <span role="note" className="sample-note" data-testid="fee-sample">
              <span className="badge-sample">{t('refData.sample')}</span> {t('refData.sampleNote')}
            </span>
          ) : null}
        </p>
      ) : null}
      {rows === null ? (
        <>
          {table ? (
            <table className="data refdata-table" data-testid="fee-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  {COLUMNS.map((c) => (
                    <th scope="col" className="num" key={c}>
                      {t(COLUMN_LABEL[c])}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.bands.map((b, i) => (
                  <tr key={i} data-testid={`fee-band-${i}`}>
                    <td>{i + 1}</td>
                    <td className="num">{money(b.fromPara)}</td>
                    <td className="num">{b.toPara === null ? t('refData.noLimit') : money(b.toPara)}</td>
                    <td className="num">{money(b.fixedPara)}</td>
                    <td className="num">{percentText(b.percentBp)} %</td>
                    <td className="num">{money(b.minPara)}</td>
                    <td className="num">{b.maxPara === null ? t('refData.noLimit') : money(b.maxPara)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <div className="actions actions-start">
            <button type="button" ref={replaceRef} onClick={startEdit} disabled={table === undefined} data-testid="fee-replace">
              {t('refData.replace')}
            </button>
          </div>
        </>
      ) : (
        <form className="form" onSubmit={save} onKeyDown={onFormKey} noValidate aria-busy={busy}>
          <p className="hint">{t('refData.replaceNote')}</p>
          <table className="data refdata-table band-edit">
            <thead>
              <tr>
                <th scope="col">#</th>
                {COLUMNS.map((c) => (
                  <th scope="col" key={c}>
                    {t(COLUMN_LABEL[c])}
                  </th>
                ))}
                <th scope="col">
                  <span className="sr-only">{t('refData.removeBand', { n: '' })}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>{i + 1}</td>
                  {COLUMNS.map((c) => (
                    <td key={c}>
                      <input
                        id={`band-${i}-${c}`}
                        data-testid={`band-${i}-${c}`}
                        data-advance=""
                        aria-label={`${i + 1}: ${t(COLUMN_LABEL[c])}`}
                        aria-invalid={bad.has(`${i}.${c}`) || undefined}
                        inputMode="decimal"
                        autoComplete="off"
                        value={r[c]}
                        placeholder={c === 'to' || c === 'max' ? t('refData.noLimit') : undefined}
                        onChange={(e) => edit(i, c, e.target.value)}
                        onFocus={(e) => e.target.select()}
                      />
                    </td>
                  ))}
                  <td>
                    <button type="button" onClick={() => setRows((rs) => rs && rs.filter((_, j) => j !== i))} disabled={rows.length === 1} aria-label={t('refData.removeBand', { n: i + 1 })}>
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {showAll && checked && checked.problems.length > 0 ? (
            <ul className="alert alert-error problems" role="alert" data-testid="fee-problems">
              {checked.problems.map((p, i) => (
                <li key={i}>{say(locale, p.rule)}</li>
              ))}
            </ul>
          ) : null}
          <div className="actions">
            <button type="button" onClick={() => setRows((rs) => rs && [...rs, { from: '', to: '', fixed: '0', percent: '0', min: '0', max: '' }])} data-testid="fee-add-band">
              {t('refData.addBand')}
            </button>
            <button type="button" onClick={() => setRows(null)}>
              {t('refData.cancel')} <kbd>Esc</kbd>
            </button>
            <button type="submit" className="primary" disabled={busy} data-testid="fee-save">
              {t('refData.save')} <kbd>Enter</kbd>
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
