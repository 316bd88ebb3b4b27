import { printPage } from '../printing.js';
import { useEffect, useRef, useState } from 'react';
import type { Receipt } from '../../domain/api.js';
import { Screen } from '../components/Screen.js';
import { ErrorAlert, StatusLine } from '../components/ErrorAlert.js';
import { money, useT } from '../i18n/index.js';
import { inControl, useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { ApiError, toApiError } from '../api.js';
import { useBasket } from '../stores/basket.js';
import { ConfirmationDialog, type ConfirmationLine } from '../components/ConfirmationDialog.js';
import { useApp } from '../stores/app.js';

/** Key presses of a clerk still hammering Enter on the payment step must not skip the receipt. */
const SETTLE_MS = 700;

/**
 * The receipt as it prints (the server's 80 mm HTML in a sandboxed frame),
 * with print, reprint (marked COPY) and — after a sale — the next customer.
 */
export function ReceiptScreen({ mode }: { mode: 'sale' | 'view' }) {
  const t = useT();
  const saleReceipt = useBasket((s) => s.receipt);
  const viewNumber = useApp((s) => s.viewNumber);
  const go = useApp((s) => s.go);
  const number = mode === 'sale' ? (saleReceipt?.number ?? null) : viewNumber;
  const [receipt, setReceipt] = useState<Receipt | null>(mode === 'sale' ? saleReceipt : null);
  const [html, setHtml] = useState<string | null>(null);
  const [copy, setCopy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const frameRef = useRef<HTMLIFrameElement>(null);
  const doneRef = useRef<HTMLButtonElement>(null);
  const mountedAt = useRef(performance.now());
  /** The bill whose A6 payment confirmation is open (index into `bills`). */
  const [confirmation, setConfirmation] = useState<number | null>(null);

  useEffect(() => {
    if (!number) {
      go('counter');
      return;
    }
    let live = true;
    Promise.all([call('receipts.html', { number, copy: false }), receipt ? Promise.resolve(receipt) : call('receipts.get', { number })]).then(
      ([h, r]) => {
        if (!live) return;
        setHtml(h.html);
        setReceipt(r);
      },
      (e: unknown) => live && setError(toApiError(e)),
    );
    doneRef.current?.focus();
    return () => {
      live = false;
    };
  }, [number]);

  function finish() {
    if (performance.now() - mountedAt.current < SETTLE_MS) return;
    if (mode === 'sale') {
      useBasket.getState().newCustomer();
      go('counter');
    } else go('receipts');
  }

  const htmlRef = useRef<string | null>(null);
  htmlRef.current = html;

  /** Electron prints through the main process; a browser prints the frame. */
  function print() {
    printPage({ html: htmlRef.current, frame: frameRef.current, refocus: doneRef.current, onError: setError });
  }

  const confirmationOpen = useRef(false);
  confirmationOpen.current = confirmation !== null;
  // File → Print (Ctrl+P in Electron's menu) prints what is in front: the open confirmation prints itself.
  useEffect(() => window.postdesk?.onMenuCommand?.((command) => command === 'print-receipt' && !confirmationOpen.current && print()), []);

  async function reprint() {
    if (!number || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await call('receipts.reprint', { number });
      const h = await call('receipts.html', { number, copy: true });
      setReceipt(r);
      setHtml(h.html);
      setCopy(true);
      setStatus(t('receipt.reprinted', { n: r.reprints }));
      print();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  const bills: ConfirmationLine[] = (receipt?.lines ?? [])
    .filter((l) => l.kind === 'bill_payment')
    .map((l) => ({ lineNo: l.lineNo, payee: l.details.payee ?? l.description, amountPara: l.amountPara }));

  useKeys(
    {
      Enter: (e) => (inControl(e) ? false : finish()),
      'Ctrl+P': print,
      'Ctrl+Shift+P': () => void reprint(),
      F6: () => (bills.length > 0 ? setConfirmation(0) : false),
      Escape: finish,
    },
    confirmation === null,
  );

  const doneLabel = mode === 'sale' ? t('receipt.newCustomer') : t('receipt.back');
  return (
    <Screen
      title={t('receipt.title', { number: number ?? '' })}
      testId="receipt"
      wide
      shortcuts={[
        { keys: 'Enter', label: doneLabel },
        { keys: 'Ctrl+P', label: t('keys.print'), run: print },
        { keys: 'Ctrl+Shift+P', label: t('keys.reprint'), run: () => void reprint() },
        { keys: 'F6', label: t('keys.confirmation'), run: () => setConfirmation(0), hidden: bills.length === 0 },
        { keys: 'Esc', label: mode === 'sale' ? t('keys.newCustomer') : t('keys.back'), run: finish },
      ]}
    >
      <StatusLine text={status} />
      <ErrorAlert error={error} />
      <div className="receipt-layout">
        <div className="receipt-paper">
          {copy ? (
            <div className="copy-badge" data-testid="receipt-copy">
              {t('receipt.copy')}
            </div>
          ) : null}
          {html !== null ? (
            <iframe
              ref={frameRef}
              title={t('receipt.frame', { number: number ?? '' })}
              className="receipt-frame"
              data-testid="receipt-frame"
              sandbox="allow-same-origin allow-modals"
              tabIndex={-1}
              srcDoc={html}
            />
          ) : (
            <p>{t('receipt.loading')}</p>
          )}
        </div>
        <div className="receipt-side">
          {receipt ? (
            <dl className="receipt-sums">
              <dt>{t('receipt.total')}</dt>
              <dd data-testid="receipt-total">{money(receipt.totalPara)}</dd>
              <dt>{t('receipt.tendered')}</dt>
              <dd>{money(receipt.tenderedPara)}</dd>
              <dt>{t('receipt.change')}</dt>
              <dd className="change" data-testid="receipt-change">
                {money(receipt.changePara)}
              </dd>
            </dl>
          ) : null}
          <div className="actions actions-column">
            <button type="button" className="primary" ref={doneRef} onClick={finish} data-testid="receipt-done" autoFocus>
              {doneLabel} <kbd>Enter</kbd>
            </button>
            <button type="button" onClick={print} data-testid="receipt-print" disabled={html === null}>
              {t('receipt.print')} <kbd>Ctrl+P</kbd>
            </button>
            <button type="button" onClick={() => void reprint()} data-testid="receipt-reprint" disabled={busy || html === null}>
              {t('receipt.reprint')} <kbd>Ctrl+Shift+P</kbd>
            </button>
          </div>
          {bills.length > 0 ? (
            <section className="confirmations" aria-labelledby="confirmations-title" data-testid="receipt-confirmations">
              <h2 id="confirmations-title">
                {t('receipt.confirmations')} <kbd>F6</kbd>
              </h2>
              <div className="actions actions-column">
                {bills.map((b, i) => (
                  <button type="button" key={b.lineNo} onClick={() => setConfirmation(i)} data-testid={`confirmation-open-${b.lineNo}`}>
                    {t('receipt.confirmationOf', { n: i + 1, payee: b.payee, amount: money(b.amountPara) })}
                  </button>
                ))}
              </div>
            </section>
          ) : null}
        </div>
      </div>
      {confirmation !== null && number && bills[confirmation] ? (
        <ConfirmationDialog number={number} lines={bills} index={confirmation} onIndex={setConfirmation} onClose={() => setConfirmation(null)} />
      ) : null}
    </Screen>
  );
}
