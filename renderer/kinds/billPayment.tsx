/**
 * "Pay a bill": F3. A USB scanner types the bill's IPS QR code into the scan
 * field and ends with Enter; the slip fills, every number is checked before
 * it reaches the basket, and the clerk can correct any field by hand. A
 * refused code adds nothing and says which tag broke which rule. Ctrl+Enter
 * (or F3 again) adds the bill and starts the next one for the same payer.
 */
import { useFocusSoon } from '../useFocusSoon.js';
import type React from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Biller, QuoteLine } from '../../domain/api.js';
import { tryParseIpsQr, type IpsQr } from '../../domain/ipsqr.js';
import type { BillPaymentItemInput } from '../../domain/items.js';
import { Dialog } from '../components/Dialog.js';
import { Field } from '../components/Field.js';
import { ErrorAlert, StatusLine } from '../components/ErrorAlert.js';
import { money, useErrorText, useT } from '../i18n/index.js';
import { translate, type Locale, type MessageKey } from '../i18n/messages.js';
import { said, say, type Said } from '../i18n/said.js';
import { advanceOnEnter } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useBasket } from '../stores/basket.js';
import { useLocale } from '../stores/locale.js';
import { registerKindUi, type KindPanelProps } from './registry.js';
import { describeQrRefusal, SLIP_FIELDS, type QrRefusal, type SlipField } from './ipsQrRefusal.js';
import { EMPTY_SLIP, FIELD_LABEL, PAYER_FIELDS, checkSlip, serverField, slipFromQr, slipItem, type Slip } from './billSlip.js';
import { CameraScan } from './CameraScan.js';

/**
 * A scanner types a new line inside N or P as Enter. After such an Enter the
 * code may go on (the next line) or have ended: it is read once no key came
 * for this long. A scanner types a character every few milliseconds.
 */
const SCAN_SETTLE_MS = 250;

type Source = BillPaymentItemInput['source'];
type Payer = Pick<Slip, 'payerName' | 'payerAddress' | 'payerPlace'>;

interface QuoteState {
  key: string;
  line?: QuoteLine | undefined;
  error?: ApiError | undefined;
}

const dayFormats = new Map<Locale, Intl.DateTimeFormat>();
function dayText(day: string, locale: Locale): string {
  let f = dayFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'sr-Cyrl' ? 'sr-Cyrl-RS' : 'sr-Latn-RS', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
    dayFormats.set(locale, f);
  }
  return f.format(new Date(`${day}T12:00:00Z`));
}

/** The quote's "2026-01-05 (today)" / "(next business day)" in the clerk's language. */
export function settlesText(settles: string, locale: Locale): string {
  const m = /^(\d{4}-\d{2}-\d{2}) \((today|next business day)\)$/.exec(settles);
  if (!m) return settles;
  return translate(locale, m[2] === 'today' ? 'bill.settlesToday' : 'bill.settlesNext', { day: dayText(m[1]!, locale) });
}

/** The payer of the last bill already in the basket: the same customer is paying. */
function basketPayer(): Payer | null {
  const lines = useBasket.getState().lines;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.kind === 'bill_payment') return { payerName: l.payer.name, payerAddress: l.payer.address ?? '', payerPlace: l.payer.place ?? '' };
  }
  return null;
}

const payerOf = (s: Slip): Payer => ({ payerName: s.payerName, payerAddress: s.payerAddress, payerPlace: s.payerPlace });

function BillPanel({ onAdd, onClose }: KindPanelProps<BillPaymentItemInput>) {
  const t = useT();
  const errorText = useErrorText();
  const locale = useLocale((s) => s.locale);
  const basketCount = useBasket((s) => s.lines.length);
  const basketTotal = useBasket((s) => s.quote?.totalPara ?? null);
  const sayNow = (s: Said) => say(locale, s);

  const [slip, setSlip] = useState<Slip>(() => ({ ...EMPTY_SLIP, ...(basketPayer() ?? {}) }));
  const [codeFrom, setCodeFrom] = useState<string | null>(null);
  const [source, setSource] = useState<Source>('manual');
  const [accepted, setAccepted] = useState(false);
  const focusSoon = useFocusSoon();
  const [touched, setTouched] = useState<ReadonlySet<SlipField>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [biller, setBiller] = useState<Biller | null>(null);
  const [scan, setScan] = useState('');
  const [refusal, setRefusal] = useState<QrRefusal | null>(null);
  /** The slip field the refused code is about, until the clerk corrects it. */
  const [scanMark, setScanMark] = useState<SlipField | 'scan' | null>(null);
  const [status, setStatus] = useState<Said | null>(null);
  const [quote, setQuote] = useState<QuoteState | null>(null);
  const [camera, setCamera] = useState(false);
  const [busy, setBusy] = useState(false);
  /** Fields the directory just filled: the focused one gets its text selected, so typing replaces it. */
  const [selectFilled, setSelectFilled] = useState<SlipField[] | null>(null);
  const inFlight = useRef(false);
  const settleTimer = useRef<number | null>(null);
  /** Fields the billers directory filled (and may fill again); a field the clerk edits leaves the set. */
  const auto = useRef(new Set<SlipField>());
  const inputs = useRef<Partial<Record<SlipField | 'scan' | 'accept', HTMLInputElement | HTMLTextAreaElement | null>>>({});

  const slipRef = useRef(slip);
  slipRef.current = slip;
  const check = useMemo(() => checkSlip(slip, codeFrom), [slip, codeFrom]);
  const item = useMemo(() => slipItem(slip, check, { accepted, source }), [slip, check, accepted, source]);
  /** What is priced: the slip as it would be added once an unknown model is accepted (the fee shows before the decision). */
  const priced = useMemo(() => slipItem(slip, check, { accepted: true, source }), [slip, check, source]);
  const key = priced ? JSON.stringify(priced) : null;
  const currentQuote = quote && quote.key === key ? quote : null;

  useEffect(
    () => () => {
      if (settleTimer.current !== null) window.clearTimeout(settleTimer.current);
    },
    [],
  );

  // The directory: a known account fills the payee name, payment code and model the clerk has not written.
  useEffect(() => {
    const account = check.account18;
    if (!account) {
      setBiller(null);
      return;
    }
    let live = true;
    call('payments.lookupBiller', { account }).then(
      (b) => {
        if (!live) return;
        setBiller(b);
        const prev = slipRef.current;
        const next = { ...prev };
        const filled: SlipField[] = [];
        const take = (f: SlipField, value: string | null | undefined) => {
          const free = prev[f].trim() === '' || auto.current.has(f);
          if (free && value) {
            next[f] = value;
            filled.push(f);
          } else if (free && auto.current.has(f)) next[f] = '';
        };
        take('payeeName', b?.name);
        take('paymentCode', b?.defaultPaymentCode);
        if (prev.reference.trim() === '' || auto.current.has('model')) take('model', b?.model);
        auto.current = new Set(filled);
        setSlip(next);
        if (filled.length) setTouched((t0) => new Set([...t0, ...filled]));
        if (filled.length) setSelectFilled(filled);
      },
      () => undefined, // the directory only helps; the slip can be typed without it
    );
    return () => {
      live = false;
    };
  }, [check.account18]);

  useEffect(() => {
    if (!selectFilled) return;
    const focused = document.activeElement;
    for (const f of selectFilled) {
      const el = inputs.current[f];
      if (el && el === focused) el.select();
    }
  }, [selectFilled]);

  // Fee and settlement day for exactly this slip, before it is added.
  useEffect(() => {
    if (!priced || !key || (quote && quote.key === key)) return;
    let live = true;
    const timer = window.setTimeout(() => {
      call('counter.quote', { items: [priced] }).then(
        (q) => live && setQuote({ key, line: q.lines[0] }),
        (e: unknown) => live && setQuote({ key, error: toApiError(e) }),
      );
    }, 150);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [key]);

  function focus(f: SlipField | 'scan' | 'accept') {
    const el = inputs.current[f];
    el?.focus();
    if (el && f !== 'accept') el.select();
  }

  function edit(f: SlipField, value: string) {
    setSlip((prev) => ({ ...prev, [f]: value }));
    auto.current.delete(f);
    if (scanMark === f) setScanMark(null);
    if (f === 'model') setAccepted(false);
    setStatus(null);
  }

  function touch(f: SlipField) {
    if (!touched.has(f)) setTouched((prev) => new Set([...prev, f]));
  }

  function reset(payer: Payer) {
    setSlip({ ...EMPTY_SLIP, ...payer });
    setCodeFrom(null);
    setSource('manual');
    setAccepted(false);
    setTouched(new Set());
    setShowAll(false);
    setBiller(null);
    setScan('');
    setRefusal(null);
    setScanMark(null);
    setQuote(null);
    auto.current.clear();
  }

  function fill(qr: IpsQr, from: Source) {
    const { slip: next, codeFrom: bill } = slipFromQr(qr, payerOf(slip));
    auto.current.clear();
    setSlip(next);
    setCodeFrom(bill);
    setSource(from);
    setAccepted(false);
    setTouched(new Set(SLIP_FIELDS.filter((f) => next[f] !== '')));
    setShowAll(false);
    setQuote(null);
    setScan('');
    setRefusal(null);
    setScanMark(null);
    setStatus(said(from === 'camera' ? 'bill.scannedCamera' : 'bill.scanned'));
    focusSoon(() => inputs.current.scan);
  }

  /** Reads a whole code: the slip fills, or the code is refused in words and nothing changes. */
  function read(text: string, from: Source) {
    const r = tryParseIpsQr(text);
    if (r.ok) {
      fill(r.value, from);
      return;
    }
    const d = describeQrRefusal(r.error);
    setRefusal(d);
    setScanMark(d.field);
    setStatus(null);
    if (from !== 'scan') setScan(text);
    // The next scan replaces the refused text.
    focusSoon(() => inputs.current.scan);
  }

  function onScanKey(e: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    e.stopPropagation();
    if (settleTimer.current !== null) {
      window.clearTimeout(settleTimer.current);
      settleTimer.current = null;
    }
    const text = e.currentTarget.value;
    const last = text.slice(text.lastIndexOf('|') + 1);
    if (/^(N|P):./s.test(last)) {
      // Perhaps a line break of the payee or payer: wait for more (CR LF is one break).
      const next = text.endsWith('\n') ? text : `${text}\n`;
      setScan(next);
      settleTimer.current = window.setTimeout(() => {
        settleTimer.current = null;
        read(next.replace(/\n+$/, ''), 'scan');
      }, SCAN_SETTLE_MS);
      return;
    }
    if (text.trim() === '') {
      void add(false);
      return;
    }
    read(text, 'scan');
  }

  function onScanChange(e: React.ChangeEvent<HTMLTextAreaElement>) {
    if (settleTimer.current !== null) {
      window.clearTimeout(settleTimer.current);
      settleTimer.current = null;
    }
    setScan(e.target.value);
  }

  function firstProblem(): SlipField | 'accept' | null {
    for (const f of SLIP_FIELDS) if (check.errors[f]) return f;
    if (check.unknownModel !== null && !accepted) return 'accept';
    return null;
  }

  async function add(next: boolean) {
    if (inFlight.current) return;
    setShowAll(true);
    if (!item || !priced || !key) {
      const f = firstProblem();
      if (f) focus(f);
      return;
    }
    inFlight.current = true;
    setBusy(true);
    try {
      let q = currentQuote;
      if (!q || (!q.line && !q.error)) {
        try {
          const r = await call('counter.quote', { items: [priced] });
          q = { key, line: r.lines[0] };
        } catch (e) {
          q = { key, error: toApiError(e) };
        }
        setQuote(q);
      }
      if (q.error) {
        const f = serverField(q.error.field);
        if (f) focus(f);
        return;
      }
      onAdd(item, next ? { keepOpen: true } : undefined);
      if (next) {
        reset(payerOf(slip));
        setStatus(said('bill.addedNext', { payee: item.payee.name, amount: money(item.amountPara) }));
        focusSoon(() => inputs.current.scan);
      }
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  function onFormKey(e: React.KeyboardEvent<HTMLFormElement>) {
    if ((e.key === 'Enter' && (e.ctrlKey || e.metaKey)) || (e.key === 'F3' && !e.ctrlKey && !e.altKey)) {
      e.preventDefault();
      e.stopPropagation();
      void add(true);
      return;
    }
    // Enter on the accepted warning is the last decision of the slip: add it.
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && e.target === inputs.current.accept) {
      e.preventDefault();
      void add(false);
      return;
    }
    if (e.key === 'F4' && !e.ctrlKey && !e.altKey) {
      e.preventDefault();
      e.stopPropagation();
      setCamera(true);
      return;
    }
    advanceOnEnter(e);
  }

  const serverErrorField = currentQuote?.error ? serverField(currentQuote.error.field) : null;

  function errorOf(f: SlipField): string | null {
    if (scanMark === f && refusal) return sayNow(refusal.sentence);
    if (serverErrorField === f && currentQuote?.error) return errorText(currentQuote.error);
    const rule = check.errors[f];
    if (!rule) return null;
    const typing = rule.key === 'billRule.chars' || rule.key === 'billRule.line';
    const shown = showAll || touched.has(f) || (f === 'account' && check.accountComplete) || typing;
    return shown ? sayNow(rule) : null;
  }

  const hints: Partial<Record<SlipField, string>> = {};
  {
    const parts: string[] = [];
    if (check.account18) parts.push(t('bill.accountLong', { account: check.account18 }));
    if (biller) {
      parts.push(t('bill.fromDirectory', { name: biller.name }));
      if (biller.feeException === 'none') parts.push(t('bill.noFee'));
      if (biller.feeException === 'fixed') parts.push(t('bill.fixedFee', { amount: money(biller.feeFixedPara ?? 0) }));
    }
    if (parts.length) hints.account = parts.join(' · ');
    if (check.code?.changed) hints.paymentCode = t('bill.codeChanged', { from: check.code.sent, to: check.code.cash });
  }

  function slipField(f: SlipField, extra: Partial<React.ComponentProps<typeof Field>> = {}) {
    return (
      <Field
        id={`bill-${f}`}
        ref={(el: HTMLInputElement | null) => {
          inputs.current[f] = el;
        }}
        label={t(FIELD_LABEL[f])}
        value={slip[f]}
        onChange={(e) => edit(f, e.target.value)}
        onBlur={() => touch(f)}
        error={errorOf(f)}
        hint={hints[f]}
        aria-required={(['account', 'payeeName', 'amount', 'paymentCode', 'payerName'] as SlipField[]).includes(f) || undefined}
        {...extra}
      />
    );
  }

  const line = currentQuote?.line;
  const unknownModel = check.unknownModel !== null && !check.errors.model;
  return (
    <Dialog title={t('bill.title')} testId="panel-bill_payment" onClose={onClose} wide>
      <form className="form bill-form" noValidate onKeyDown={onFormKey} onSubmit={(e) => {
          e.preventDefault();
          void add(false);
        }} aria-busy={busy}>
        <div className={`field scan-field${scanMark === 'scan' ? ' field-invalid' : ''}`}>
          <label htmlFor="bill-scan">{t('bill.scan')}</label>
          <div className="scan-row">
            <textarea
              id="bill-scan"
              data-testid="bill-scan"
              ref={(el) => {
                inputs.current.scan = el;
              }}
              className="scan-input mono"
              rows={2}
              autoFocus
              autoComplete="off"
              spellCheck={false}
              value={scan}
              aria-invalid={refusal ? true : undefined}
              aria-describedby={refusal ? 'bill-scan-error bill-scan-hint' : 'bill-scan-hint'}
              onChange={onScanChange}
              onKeyDown={onScanKey}
              onFocus={(e) => e.currentTarget.select()}
            />
            <button type="button" className="camera-button" tabIndex={-1} onClick={() => setCamera(true)} data-testid="bill-camera">
              {t('bill.camera')} <kbd>F4</kbd>
            </button>
          </div>
          <div id="bill-scan-hint" className="field-hint">
            {t('bill.scanHint')}
          </div>
        </div>
        {refusal ? (
          <div role="alert" id="bill-scan-error" className="alert alert-error" data-testid="bill-scan-error" data-tag={refusal.tag} data-field={refusal.field}>
            {sayNow(refusal.sentence)}
            <details className="technical">
              <summary>{t('qr.technical')}</summary>
              <span lang="en">{refusal.technical}</span>
            </details>
          </div>
        ) : null}
        <StatusLine text={status ? sayNow(status) : null} testId="bill-status" />

        <fieldset className="slip">
          <legend>{t('bill.slip')}</legend>
          <div className="slip-grid">
            <div className="slip-col">
              <h3>{t('bill.payee')}</h3>
              {slipField('account', { inputMode: 'numeric', maxLength: 40, className: 'mono' })}
              {slipField('payeeName', { maxLength: 70 })}
            </div>
            <div className="slip-col">
              <div className="row">
                {slipField('amount', { inputMode: 'decimal', className: 'amount-input' })}
                {slipField('paymentCode', { inputMode: 'numeric', maxLength: 3, className: 'code-input' })}
              </div>
              <div className="row">
                {slipField('model', { inputMode: 'numeric', maxLength: 2, className: 'model-input' })}
                {slipField('reference', { maxLength: 40, className: 'mono' })}
              </div>
              {slipField('purpose', { maxLength: 35 })}
            </div>
            <div className="slip-col">
              <h3>{t('bill.payer')}</h3>
              {PAYER_FIELDS.map((f) => (
                <div key={f}>{slipField(f, { maxLength: 70 })}</div>
              ))}
            </div>
          </div>
          <section className="bill-quote" aria-labelledby="bill-quote-title" data-testid="bill-quote" aria-live="polite">
            <h3 id="bill-quote-title" className="sr-only">
            {t('bill.quote')}
          </h3>
            {line ? (
              <dl>
                <div>
                  <dt>{t('bill.fee')}</dt>
                  <dd data-testid="bill-fee">{money(line.feePara)}</dd>
                </div>
                <div>
                  <dt>{t('bill.toPay')}</dt>
                  <dd data-testid="bill-total">{money(line.amountPara + line.feePara)}</dd>
                </div>
                <div className="settles">
                  <dt>{t('bill.settles')}</dt>
                  <dd data-testid="bill-settles">{line.details.settles ? settlesText(line.details.settles, locale) : '—'}</dd>
                </div>
              </dl>
            ) : currentQuote?.error && !serverErrorField ? (
              <ErrorAlert error={currentQuote.error} />
            ) : (
              <p className="muted">{priced ? t('bill.quoting') : t('bill.quoteWaiting')}</p>
            )}
          </section>
        </fieldset>

        {unknownModel ? (
          <div className={`alert alert-warn model-warning${showAll && !accepted ? ' warning-due' : ''}`} data-testid="bill-model-warning">
            <p id="bill-model-warning-text">{t('bill.modelUnknown', { model: check.unknownModel ?? '' })}</p>
            <label className="checkbox">
              <input
                type="checkbox"
                id="bill-accept"
                data-testid="bill-accept"
                ref={(el) => {
                  inputs.current.accept = el;
                }}
                checked={accepted}
                aria-describedby="bill-model-warning-text"
                aria-invalid={showAll && !accepted ? true : undefined}
                onChange={(e) => setAccepted(e.target.checked)}
              />{' '}
              {t('bill.acceptWarning')}
            </label>
            {showAll && !accepted ? (
              <div className="field-error" data-testid="bill-accept-error">
                {t('bill.mustAccept')}
              </div>
            ) : null}
          </div>
        ) : null}

        <div className="actions">
          {basketCount > 0 ? (
            <span className="basket-so-far" data-testid="bill-basket" aria-live="polite">
              {t('bill.basketSoFar', { n: basketCount, total: basketTotal === null ? '…' : money(basketTotal) })}
            </span>
          ) : null}
          <button type="button" onClick={onClose}>
            {t('keys.close')} <kbd>Esc</kbd>
          </button>
          <button type="button" onClick={() => void add(true)} disabled={busy} data-testid="bill-add-next">
            {t('bill.addNext')} <kbd>Ctrl+Enter</kbd> <kbd>F3</kbd>
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="bill-add">
            {t('bill.add')} <kbd>Enter</kbd>
          </button>
        </div>
        <p className="panel-keys">{t('bill.keysHint')}</p>
      </form>
      {camera ? (
        <CameraScan
          onCode={(text) => {
            setCamera(false);
            read(text, 'camera');
          }}
          onClose={() => setCamera(false)}
        />
      ) : null}
    </Dialog>
  );
}

/** The basket line's details in the clerk's words (the payee is the line's name). */
function billLineDetails(line: QuoteLine, locale: Locale): [string, string][] {
  const d = line.details;
  const tr = (k: MessageKey) => translate(locale, k);
  const out: [string, string][] = [];
  if (d.account) out.push([tr('line.account'), d.account]);
  if (d.reference) out.push([tr('line.reference'), d.reference]);
  if (d.paymentCode) {
    const w = line.warnings.find((x) => x.code === 'PAYMENT_CODE_CHANGED');
    const m = w ? /(\d{3}) was changed to its cash form (\d{3})/.exec(w.message) : null;
    out.push([tr('line.paymentCode'), m ? `${d.paymentCode} (${m[1]} → ${m[2]})` : d.paymentCode]);
  }
  if (d.purpose) out.push([tr('line.purpose'), d.purpose]);
  if (d.settles) out.push([tr('line.settles'), settlesText(d.settles, locale)]);
  return out;
}

registerKindUi({
  kind: 'bill_payment',
  key: 'F3',
  label: 'kind.bill_payment',
  Panel: BillPanel,
  lineName: (line) => line.description,
  lineDetails: billLineDetails,
  hiddenWarnings: ['PAYMENT_CODE_CHANGED'],
});
