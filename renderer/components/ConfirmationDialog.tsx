import { printPage } from '../printing.js';
import { useEffect, useRef, useState } from 'react';
import { Dialog } from './Dialog.js';
import { ErrorAlert } from './ErrorAlert.js';
import { money, useT } from '../i18n/index.js';
import { useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { ApiError, toApiError } from '../api.js';

export interface ConfirmationLine {
  lineNo: number;
  payee: string;
  amountPara: number;
}

/**
 * The A6 payment confirmation of one bill on a receipt, as the server draws
 * it (with the payment's IPS QR code freshly encoded), in a sandboxed frame;
 * printed through Electron's bridge when there is one, else from the frame.
 * ← and → step through the receipt's bills.
 */
export function ConfirmationDialog({ number, lines, index, onIndex, onClose }: { number: string; lines: ConfirmationLine[]; index: number; onIndex(i: number): void; onClose(): void }) {
  const t = useT();
  const line = lines[index]!;
  const [html, setHtml] = useState<{ lineNo: number; html: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const frameRef = useRef<HTMLIFrameElement>(null);
  const printRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    call('payments.confirmation', { number, lineNo: line.lineNo, copy: false }).then(
      (r) => live && setHtml({ lineNo: line.lineNo, html: r.html }),
      (e: unknown) => live && setError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [number, line.lineNo]);

  const ready = html !== null && html.lineNo === line.lineNo ? html.html : null;

  function print() {
    if (!ready) return;
    printPage({ html: ready, frame: frameRef.current, refocus: printRef.current, onError: setError });
  }

  const printNow = useRef(print);
  printNow.current = print;
  useEffect(() => window.postdesk?.onMenuCommand?.((command) => command === 'print-receipt' && printNow.current()), []);

  const step = (d: number) => {
    if (lines.length > 1) onIndex((index + d + lines.length) % lines.length);
  };
  useKeys({
    // Esc reaches here when the focus is outside the dialog (the dialog itself handles it inside).
    Escape: onClose,
    'Ctrl+P': print,
    ArrowLeft: () => step(-1),
    ArrowRight: () => step(1),
    PageUp: () => step(-1),
    PageDown: () => step(1),
  });

  return (
    <Dialog title={t('confirmation.title', { n: index + 1, count: lines.length, payee: line.payee })} testId="confirmation" onClose={onClose} wide>
      <ErrorAlert error={error} />
      <div className="confirmation-layout">
        <div className="confirmation-paper">
          {ready !== null ? (
            <iframe
              ref={frameRef}
              title={t('confirmation.frame')}
              className="confirmation-frame"
              data-testid="confirmation-frame"
              data-line={line.lineNo}
              sandbox="allow-same-origin allow-modals"
              tabIndex={-1}
              srcDoc={ready}
            />
          ) : (
            <p>{t('confirmation.loading')}</p>
          )}
        </div>
        <div className="actions actions-column">
          <p className="confirmation-sum">{money(line.amountPara)}</p>
          <button type="button" className="primary" ref={printRef} onClick={print} aria-disabled={ready === null || undefined} data-testid="confirmation-print" autoFocus>
            {t('confirmation.print')} <kbd>Ctrl+P</kbd>
          </button>
          {lines.length > 1 ? (
            <p className="panel-keys">
              <kbd>←</kbd> <kbd>→</kbd> {t('keys.prevNext')}
            </p>
          ) : null}
          <button type="button" onClick={onClose} data-testid="confirmation-close">
            {t('keys.close')} <kbd>Esc</kbd>
          </button>
        </div>
      </div>
    </Dialog>
  );
}
