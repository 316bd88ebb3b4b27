import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import type { Cutoff } from '../../../domain/api.js';
import { Field } from '../../components/Field.js';
import { ErrorAlert, StatusLine } from '../../components/ErrorAlert.js';
import { useT } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/messages.js';
import { advanceOnEnter } from '../../keyboard.js';
import { call } from '../../client.js';
import { toApiError, type ApiError } from '../../api.js';

type CutoffField = 'bankCode' | 'bankName' | 'cutoff';

/** Payee banks' cut-off times: a payment accepted after its bank's cut-off settles the next business day. */
export function CutoffsPanel() {
  const t = useT();
  const [rows, setRows] = useState<Cutoff[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [form, setForm] = useState<Record<CutoffField, string>>({ bankCode: '', bankName: '', cutoff: '' });
  const [showAll, setShowAll] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [picked, setPicked] = useState(0);
  const codeRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  // Where the keyboard goes once the rows it names have rendered.
  const [focusAfter, setFocusAfter] = useState<string | null>(null);
  useEffect(() => {
    if (focusAfter === null) return;
    const el = focusAfter === 'first' ? (bodyRef.current?.querySelector<HTMLElement>('tr[data-row]') ?? codeRef.current) : bodyRef.current?.querySelector<HTMLElement>(`tr[data-testid="${focusAfter}"]`);
    el?.focus();
    setFocusAfter(null);
  }, [focusAfter, rows]);

  useEffect(() => {
    call('payments.cutoffs', {}).then(
      (r) => {
        setRows(r);
        // The keyboard starts on the first bank (Enter edits it), or on the form when there is none.
        setFocusAfter('first');
      },
      (e: unknown) => setError(toApiError(e)),
    );
  }, []);

  const rules: Partial<Record<CutoffField, MessageKey>> = {};
  if (!/^\d{3}$/.test(form.bankCode.trim())) rules.bankCode = 'refData.ruleBankCode';
  if (form.bankName.trim().length < 1 || form.bankName.trim().length > 70) rules.bankName = 'refData.ruleBankName';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form.cutoff.trim())) rules.cutoff = 'refData.ruleCutoff';
  const errorOf = (f: CutoffField) => (rules[f] && (showAll || form[f].trim() !== '') ? t(rules[f]) : null);

  function pick(c: Cutoff) {
    setForm({ bankCode: c.bankCode, bankName: c.bankName, cutoff: c.cutoff });
    setShowAll(false);
    setNotice(null);
    setPicked((n) => n + 1);
    nameRef.current?.focus();
  }

  // Once the picked bank is in the form, its name is selected (typing replaces it), if the clerk is still there.
  useEffect(() => {
    if (picked > 0 && document.activeElement === nameRef.current) nameRef.current?.select();
  }, [picked]);

  function rowKey(e: React.KeyboardEvent<HTMLTableRowElement>, i: number, c: Cutoff) {
    const all = bodyRef.current?.querySelectorAll<HTMLElement>('tr[data-row]');
    if (e.key === 'Enter') {
      e.preventDefault();
      pick(c);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      all?.[Math.max(0, Math.min((all?.length ?? 1) - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
    }
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setShowAll(true);
    if (busy) return;
    const first = (['bankCode', 'bankName', 'cutoff'] as const).find((f) => rules[f]);
    if (first) {
      document.getElementById(`cutoff-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const code = form.bankCode.trim();
      setRows(await call('payments.saveCutoff', { bankCode: code, bankName: form.bankName.trim(), cutoff: form.cutoff.trim() }));
      setNotice(t('refData.saved'));
      setForm({ bankCode: '', bankName: '', cutoff: '' });
      setShowAll(false);
      // Back to the bank just saved, in the list.
      setFocusAfter(`cutoff-row-${code}`);
    } catch (ex) {
      setError(toApiError(ex));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="cutoffs-title">
      <h2 id="cutoffs-title">{t('refData.cutoffs')}</h2>
      <StatusLine text={notice} testId="refdata-notice" />
      <ErrorAlert error={error} />
      <table className="data refdata-table" data-testid="cutoffs-table">
        <thead>
          <tr>
            <th scope="col">{t('refData.col.bank')}</th>
            <th scope="col">{t('refData.col.bankName')}</th>
            <th scope="col">{t('refData.col.cutoff')}</th>
            <th scope="col">
              <span className="sr-only">{t('refData.edit')}</span>
            </th>
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {(rows ?? []).map((c, i) => (
            <tr key={c.bankCode} data-row={i} tabIndex={0} onKeyDown={(e) => rowKey(e, i, c)} data-testid={`cutoff-row-${c.bankCode}`}>
              <td className="mono">{c.bankCode}</td>
              <td>
                {c.bankName} {c.sample ? <span className="badge-sample">{t('refData.sample')}</span> : null}
              </td>
              <td className="mono">{c.cutoff}</td>
              <td>
                <button type="button" tabIndex={-1} onClick={() => pick(c)}>
                  {t('refData.edit')} <kbd>Enter</kbd>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="form cutoff-form" onSubmit={save} onKeyDown={advanceOnEnter} noValidate aria-busy={busy}>
        <fieldset>
          <legend>{t('refData.cutoffEdit')}</legend>
          <div className="row">
            <Field id="cutoff-bankCode" ref={codeRef} label={t('refData.bankCode')} value={form.bankCode} maxLength={3} inputMode="numeric" onChange={(e) => setForm({ ...form, bankCode: e.target.value })} error={errorOf('bankCode')} />
            <Field id="cutoff-bankName" ref={nameRef} label={t('refData.bankName')} value={form.bankName} maxLength={70} onChange={(e) => setForm({ ...form, bankName: e.target.value })} error={errorOf('bankName')} wide />
            <Field id="cutoff-cutoff" label={t('refData.cutoff')} value={form.cutoff} maxLength={5} placeholder="14:30" onChange={(e) => setForm({ ...form, cutoff: e.target.value })} error={errorOf('cutoff')} />
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy} data-testid="cutoff-save">
              {t('refData.save')} <kbd>Enter</kbd>
            </button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}
