/**
 * Receipt printing: the receipt's HTML is loaded into a hidden window and
 * printed through the system dialog (webContents.print) or rendered to a
 * PDF 80 mm wide (printToPDF).
 *
 * The HTML comes from the renderer, so the print window trusts it no more
 * than a web page: JavaScript off, sandboxed, no preload, and an in-memory
 * session of its own in which every request but the data: document itself
 * (and data: images or fonts inside it) is cancelled.
 */
import { BrowserWindow, session } from 'electron';
import type { PrintOutcome } from './bridge.js';
import type { ReceiptPrinter } from './ipc.js';

/** Not prefixed with "persist:": the print session lives in memory only. */
export const PRINT_PARTITION = 'postdesk-print';

const MM_PER_INCH = 25.4;
/** printToPDF takes inches. The roll is 80 mm wide; a page is cut at A4 length. */
export const RECEIPT_PDF_PAGE = { width: 80 / MM_PER_INCH, height: 297 / MM_PER_INCH } as const;

/** 80 mm at 96 CSS pixels per inch. */
const RECEIPT_WIDTH_PX = Math.round((80 / MM_PER_INCH) * 96);

export const PRINT_WINDOW_OPTIONS = {
  show: false,
  width: RECEIPT_WIDTH_PX,
  height: 1000,
  webPreferences: {
    partition: PRINT_PARTITION,
    javascript: false,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  },
} as const;

const preparedSessions = new WeakSet<object>();

function preparePrintSession(): void {
  const ses = session.fromPartition(PRINT_PARTITION);
  if (preparedSessions.has(ses)) return;
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith('data:') }));
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  preparedSessions.add(ses);
}

export function htmlDataUrl(html: string): string {
  return `data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`;
}

async function withPrintWindow<T>(html: string, run: (win: BrowserWindow) => Promise<T>): Promise<T> {
  preparePrintSession();
  const win = new BrowserWindow(PRINT_WINDOW_OPTIONS);
  try {
    await win.loadURL(htmlDataUrl(html));
    return await run(win);
  } finally {
    if (!win.isDestroyed()) win.destroy();
  }
}

/** Chromium reports a cancelled dialog as a failure; for the clerk it is a choice, not an error. */
function isCancel(reason: string | undefined): boolean {
  return typeof reason === 'string' && /cancel/i.test(reason);
}

export function createReceiptPrinter(): ReceiptPrinter {
  return {
    print: (html) =>
      withPrintWindow(
        html,
        (win) =>
          new Promise<PrintOutcome>((resolve, reject) => {
            win.webContents.print({ silent: false, printBackground: true }, (success, failureReason) => {
              if (success) resolve({ printed: true });
              else if (isCancel(failureReason)) resolve({ printed: false });
              else reject(new Error(`print failed: ${failureReason}`));
            });
          }),
      ),
    printToPdf: (html) =>
      withPrintWindow(html, (win) =>
        win.webContents.printToPDF({
          pageSize: { ...RECEIPT_PDF_PAGE },
          margins: { top: 0, bottom: 0, left: 0, right: 0 },
          printBackground: true,
          preferCSSPageSize: false,
        }),
      ),
  };
}
