/**
 * Printing a self-contained HTML page (a receipt, a payment confirmation).
 * In Electron the main process prints it through the system dialog; in a
 * browser the sandboxed frame that shows it prints itself, and the keyboard
 * is given back to the screen (keys typed into the frame never reach its
 * shortcuts).
 */
import { ApiError, toApiError } from './api.js';

export function printPage(opts: { html: string | null; frame: HTMLIFrameElement | null; refocus: HTMLElement | null; onError(e: ApiError): void }): void {
  const bridge = window.postdesk;
  if (bridge?.print && opts.html) {
    bridge.print(opts.html).then(
      (r) => {
        if (!r.ok) opts.onError(new ApiError(r.error.code, r.error.message, r.error.field));
      },
      (e: unknown) => opts.onError(toApiError(e)),
    );
    return;
  }
  const w = opts.frame?.contentWindow;
  if (!w) return;
  w.focus();
  w.print();
  opts.refocus?.focus();
}
