import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import type { Biller } from '../../../domain/api.js';
import { accountControl, formatAccountShort, normalizeAccount } from '../../../domain/account.js';
import { parseMoney } from '../../../domain/money.js';
import { Dialog } from '../../components/Dialog.js';
import { Field } from '../../components/Field.js';
import { ErrorAlert, StatusLine } from '../../components/ErrorAlert.js';
import { money, moneyPlain, useErrorText, useT } from '../../i18n/index.js';
import { said, say, type Said } from '../../i18n/said.js';
import { useLocale } from '../../stores/locale.js';
import { advanceOnEnter, useKeys } from '../../keyboard.js';
import { call } from '../../client.js';
import { toApiError, type ApiError } from '../../api.js';

const PAGE = 10;

function feeText(b: Biller, t: ReturnType<typeof useT>): string {
  if (b.feeException === 'none') return t('refData.feeNone');
  if (b.feeException === 'fixed') return t('refData.feeFixed', { amount: money(b.feeFixedPara ?? 0) });
  return t('refData.feeBands');
}

/** The billers directory: searchable, paged, each row editable; Insert adds one. */
export function BillersPanel({ onBusy }: { onBusy(busy: boolean): void }) {
  const t = useT();
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{ rows: Biller[]; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState<Biller | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    let live = true;
    const timer = window.setTimeout(() => {
      call('payments.billers', { query: query.trim() || undefined, offset: page * PAGE, limit: PAGE }).then(
        (r) => {
          if (!live) return;
          setData(r);
          setError(null);
        },
        (e: unknown) => live && setError(toApiError(e)),
      );
    }, 120);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [query, page, reload]);

  useEffect(() => onBusy(editing !== null), [editing]);

  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE));
  const turn = (d: number) => setPage((p) => Math.max(0, Math.min(pages - 1, p + d)));
  useKeys({ Insert: () => setEditing('new') }, editing === null);

  function rowKey(e: React.KeyboardEvent<HTMLTableRowElement>, i: number, b: Biller) {
    const rows = bodyRef.current?.querySelectorAll<HTMLElement>('tr[data-row]');
    if (e.key === 'Enter') {
      e.preventDefault();
      setEditing(b);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (e.key === 'ArrowUp' && i === 0) searchRef.current?.focus();
      else rows?.[Math.min((rows?.length ?? 1) - 1, i + (e.key === 'ArrowDown' ? 1 : -1))]?.focus();
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      turn(e.key === 'PageDown' ? 1 : -1);
    }
  }

  function searchKey(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      bodyRef.current?.querySelector<HTMLElement>('tr[data-row]')?.focus();
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      turn(e.key === 'PageDown' ? 1 : -1);
    }
  }

  return (
    <section aria-labelledby="billers-title">
      <h2 id="billers-title">{t('refData.billers')}</h2>
      <StatusLine text={notice} testId="refdata-notice" />
      <ErrorAlert error={error} />
      <div className="row toolbar">
        <Field
          id="billers-search"
          ref={searchRef}
          label={t('refData.search')}
          value={query}
          wide
          autoFocus
          advance={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setPage(0);
          }}
          onKeyDown={searchKey}
        />
        <div className="toolbar-actions">
          <button type="button" onClick={() => setEditing('new')} data-testid="biller-new">
            {t('refData.new')} <kbd>Ins</kbd>
          </button>
        </div>
      </div>
      <table className="data refdata-table" data-testid="billers-table">
        <thead>
          <tr>
            <th scope="col">{t('refData.col.name')}</th>
            <th scope="col">{t('refData.col.account')}</th>
            <th scope="col">{t('refData.col.code')}</th>
            <th scope="col">{t('refData.col.model')}</th>
            <th scope="col">{t('refData.col.fee')}</th>
            <th scope="col">{t('refData.col.active')}</th>
            <th scope="col">
              <span className="sr-only">{t('refData.edit')}</span>
            </th>
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {(data?.rows ?? []).map((b, i) => (
            <tr key={b.id} data-row={i} tabIndex={0} onKeyDown={(e) => rowKey(e, i, b)} data-testid={`biller-row-${b.id}`} aria-label={`${b.name}, ${formatAccountShort(b.account)}`}>
              <td>
                {b.name} {b.sample ? <span className="badge-sample">{t('refData.sample')}</span> : null}
              </td>
              <td className="mono">{formatAccountShort(b.account)}</td>
              <td>{b.defaultPaymentCode ?? '—'}</td>
              <td>{b.model || '—'}</td>
              <td>{feeText(b, t)}</td>
              <td>{b.active ? t('refData.yes') : t('refData.no')}</td>
              <td>
                <button type="button" tabIndex={-1} onClick={() => setEditing(b)}>
                  {t('refData.edit')} <kbd>Enter</kbd>
                </button>
              </td>
            </tr>
          ))}
          {data && data.rows.length === 0 ? (
            <tr>
              <td colSpan={7}>{t('refData.none')}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" onClick={() => turn(-1)} disabled={page === 0} data-testid="billers-prev">
          {t('refData.prevPage')} <kbd>PgUp</kbd>
        </button>
        <span data-testid="billers-page">
          {t('refData.page', { page: page + 1, pages })} · {t('refData.count', { n: data?.total ?? 0 })}
        </span>
        <button type="button" onClick={() => turn(1)} disabled={page >= pages - 1} data-testid="billers-next">
          {t('refData.nextPage')} <kbd>PgDn</kbd>
        </button>
      </div>
      {editing !== null ? (
        <BillerDialog
          biller={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setNotice(t('refData.saved'));
            setReload((n) => n + 1);
          }}
        />
      ) : null}
    </section>
  );
}

type FeeChoice = 'bands' | 'none' | 'fixed';
type BillerField = 'name' | 'account' | 'code' | 'model' | 'pattern' | 'fixed';

function BillerDialog({ biller, onClose, onSaved }: { biller: Biller | null; onClose(): void; onSaved(b: Biller): void }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const errorText = useErrorText();
  const [name, setName] = useState(biller?.name ?? '');
  const [account, setAccount] = useState(biller ? formatAccountShort(biller.account) : '');
  const [code, setCode] = useState(biller?.defaultPaymentCode ?? '');
  const [model, setModel] = useState(biller?.model ?? '');
  const [pattern, setPattern] = useState(biller?.referencePattern ?? '');
  const [fee, setFee] = useState<FeeChoice>(biller?.feeException ?? 'bands');
  const [fixed, setFixed] = useState(biller?.feeFixedPara != null ? moneyPlain(biller.feeFixedPara) : '');
  const [active, setActive] = useState(biller?.active ?? true);
  const [showAll, setShowAll] = useState(false);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const errors: Partial<Record<BillerField, Said>> = {};
  let account18: string | null = null;
  if (name.trim().length < 1 || name.trim().length > 70) errors.name = said('refData.ruleName');
  try {
    const a = normalizeAccount(account);
    const expected = accountControl(a.slice(0, 16));
    if (expected !== a.slice(16)) errors.account = said('billRule.accountControl', { expected, actual: a.slice(16) });
    else account18 = a;
  } catch {
    errors.account = said('billRule.accountFormat');
  }
  if (code.trim() !== '' && !/^\d{3}$/.test(code.trim())) errors.code = said('refData.ruleCode');
  if (!/^(\d{2})?$/.test(model.trim())) errors.model = said('billRule.model');
  if (pattern.trim() !== '') {
    try {
      new RegExp(pattern.trim());
    } catch {
      errors.pattern = said('refData.rulePattern');
    }
  }
  let fixedPara: number | null = null;
  if (fee === 'fixed') {
    try {
      fixedPara = parseMoney(fixed);
    } catch {
      errors.fixed = said('rule.amount');
    }
  }
  const serverField: BillerField | null =
    serverError?.field === 'account' ? 'account' : serverError?.field === 'referencePattern' ? 'pattern' : serverError?.field === 'feeFixedPara' ? 'fixed' : serverError?.field === 'name' ? 'name' : null;
  const errorOf = (f: BillerField, value: string): string | null => {
    if (serverField === f && serverError) {
      // The server's VALIDATION_FAILED names no rule the clerk can act on; a taken account is worth saying.
      if (f === 'account' && serverError.code === 'VALIDATION_FAILED' && /already has account/.test(serverError.message)) return t('refData.accountTaken');
      return errorText(serverError);
    }
    const e = errors[f];
    return e && (showAll || value.trim() !== '') ? say(locale, e) : null;
  };

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setShowAll(true);
    if (busy || Object.keys(errors).length > 0 || !account18) {
      const first = (['name', 'account', 'code', 'model', 'pattern', 'fixed'] as const).find((f) => errors[f]);
      if (first) document.getElementById(`biller-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setServerError(null);
    try {
      const saved = await call('payments.saveBiller', {
        ...(biller ? { id: biller.id } : {}),
        name: name.trim(),
        account: account18,
        defaultPaymentCode: code.trim() || null,
        model: model.trim(),
        referencePattern: pattern.trim() || null,
        feeException: fee === 'bands' ? null : fee,
        feeFixedPara: fee === 'fixed' ? fixedPara : null,
        active,
      });
      onSaved(saved);
    } catch (ex) {
      setServerError(toApiError(ex));
    } finally {
      setBusy(false);
    }
  }

  const unplaced = serverError && !serverField ? serverError : null;
  return (
    <Dialog title={biller ? t('refData.billerTitleEdit', { name: biller.name }) : t('refData.billerTitleNew')} testId="biller-dialog" onClose={onClose} wide>
      <form className="form" onSubmit={save} onKeyDown={advanceOnEnter} noValidate aria-busy={busy}>
        <Field id="biller-name" label={t('refData.billerName')} value={name} maxLength={70} autoFocus onChange={(e) => setName(e.target.value)} error={errorOf('name', name)} wide />
        <div className="row">
          <Field id="biller-account" label={t('refData.billerAccount')} value={account} maxLength={40} className="mono" onChange={(e) => setAccount(e.target.value)} error={errorOf('account', account)} hint={account18 ?? undefined} />
          <Field id="biller-code" label={t('refData.billerCode')} value={code} maxLength={3} inputMode="numeric" onChange={(e) => setCode(e.target.value)} error={errorOf('code', code)} />
          <Field id="biller-model" label={t('refData.billerModel')} value={model} maxLength={2} inputMode="numeric" onChange={(e) => setModel(e.target.value)} error={errorOf('model', model)} />
        </div>
        <Field id="biller-pattern" label={t('refData.billerPattern')} value={pattern} maxLength={200} className="mono" onChange={(e) => setPattern(e.target.value)} error={errorOf('pattern', pattern)} wide />
        <fieldset className="tender-choice">
          <legend>{t('refData.billerFee')}</legend>
          {(['bands', 'none', 'fixed'] as const).map((k) => (
            <label key={k} className={fee === k ? 'choice choice-on' : 'choice'}>
              <input type="radio" name="biller-fee" value={k} checked={fee === k} onChange={() => setFee(k)} data-advance="" data-testid={`biller-fee-${k}`} />{' '}
              {k === 'bands' ? t('refData.feeBands') : k === 'none' ? t('refData.feeNone') : t('refData.billerFeeFixed')}
            </label>
          ))}
        </fieldset>
        {fee === 'fixed' ? <Field id="biller-fixed" label={t('refData.billerFeeFixed')} value={fixed} inputMode="decimal" onChange={(e) => setFixed(e.target.value)} error={errorOf('fixed', fixed)} /> : null}
        <label className="checkbox">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} data-testid="biller-active" /> {t('refData.billerActive')}
        </label>
        <ErrorAlert error={unplaced} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('refData.cancel')} <kbd>Esc</kbd>
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="biller-save">
            {t('refData.save')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Dialog>
  );
}
