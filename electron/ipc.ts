/**
 * The Electron transport of the API: one invoke channel for every method.
 * Checks, in order: the sender is a frame of the app's own origin, the
 * method is a string and the session a string or null; then the very same
 * dispatcher the HTTP transport uses validates the input against the
 * method's schema, checks session and role, and only then runs the handler.
 */
import type { ErrorInfo, Result } from '../domain/errors.js';
import type { Dispatcher, Logger } from '../services/api.js';
import type { IpcChannel, PrintOutcome } from './bridge.js';
import type { IpcSenderEvent } from './security.js';

export const CALL_CHANNEL = 'postdesk:call' satisfies IpcChannel;
export const PRINT_CHANNEL = 'postdesk:print' satisfies IpcChannel;
export const PDF_CHANNEL = 'postdesk:printToPdf' satisfies IpcChannel;
export const MENU_CHANNEL = 'postdesk:menu' satisfies IpcChannel;

/** Larger documents than this are refused: a receipt is a few kilobytes, and the print window loads it as a data: URL. */
export const MAX_PRINT_HTML_BYTES = 1024 * 1024;

export type TrustedSenderCheck = (event: IpcSenderEvent) => boolean;

export type IpcCallHandler = (event: IpcSenderEvent, method: unknown, input: unknown, session: unknown) => Promise<Result<unknown>>;

/** The printing the IPC layer needs; print.ts provides it with hidden windows. */
export interface ReceiptPrinter {
  print(html: string): Promise<PrintOutcome>;
  printToPdf(html: string): Promise<Buffer>;
}

const fail = (error: ErrorInfo): { ok: false; error: ErrorInfo } => ({ ok: false, error });

const FOREIGN_SENDER: ErrorInfo = { code: 'ORIGIN_FORBIDDEN', message: 'Only the PostDesk window may call PostDesk' };

/** The handler of 'postdesk:call'. */
export function createIpcHandler(dispatcher: Dispatcher, isTrustedSender: TrustedSenderCheck, log?: Logger): IpcCallHandler {
  return async (event, method, input, session) => {
    if (!isTrustedSender(event)) {
      log?.('warn', 'refused an API call from a foreign frame', { url: String(event?.senderFrame?.url ?? '').slice(0, 200) });
      return fail(FOREIGN_SENDER);
    }
    if (typeof method !== 'string') return fail({ code: 'VALIDATION_FAILED', message: 'method: a method name is required', field: 'method' });
    if (session !== null && typeof session !== 'string') return fail({ code: 'VALIDATION_FAILED', message: 'session: a session token or null is required', field: 'session' });
    try {
      return await dispatcher.call(method, input, session);
    } catch (e) {
      log?.('error', `${method.slice(0, 64)} failed in the dispatcher`, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      return fail({ code: 'INTERNAL', message: 'Something went wrong inside PostDesk; nothing was saved. The details are in the log.' });
    }
  };
}

function checkHtml(html: unknown): ErrorInfo | null {
  if (typeof html !== 'string' || html.trim() === '') return { code: 'VALIDATION_FAILED', message: 'html: the document to print is required', field: 'html' };
  if (Buffer.byteLength(html, 'utf8') > MAX_PRINT_HTML_BYTES) return { code: 'PAYLOAD_TOO_LARGE', message: 'The document to print is larger than 1 MiB' };
  return null;
}

const PRINT_FAILED: ErrorInfo = { code: 'PRINT_FAILED', message: 'The receipt could not be printed; check the printer and try again.' };

/** The handlers of 'postdesk:print' and 'postdesk:printToPdf': same sender check, then the HTML's type and size. */
export function createPrintHandlers(printer: ReceiptPrinter, isTrustedSender: TrustedSenderCheck, log?: Logger) {
  const guarded =
    <T>(what: string, run: (html: string) => Promise<T>) =>
    async (event: IpcSenderEvent, html: unknown): Promise<Result<T>> => {
      if (!isTrustedSender(event)) return fail(FOREIGN_SENDER);
      const bad = checkHtml(html);
      if (bad) return fail(bad);
      try {
        return { ok: true, value: await run(html as string) };
      } catch (e) {
        log?.('error', `${what} failed`, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        return fail(PRINT_FAILED);
      }
    };
  return {
    print: guarded('printing', (html) => printer.print(html)),
    printToPdf: guarded('printing to PDF', async (html) => ({ pdfBase64: (await printer.printToPdf(html)).toString('base64') })),
  };
}

/** The part of Electron's ipcMain registerIpc uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions {
  isTrustedSender: TrustedSenderCheck;
  printer?: ReceiptPrinter;
  log?: Logger;
}

/** Registers the API (and printing, when a printer is given) on ipcMain; returns the function that removes them. */
export function registerIpc(ipcMain: IpcMainLike, dispatcher: Dispatcher, opts: IpcOptions): () => void {
  const channels: string[] = [CALL_CHANNEL];
  const call = createIpcHandler(dispatcher, opts.isTrustedSender, opts.log);
  ipcMain.handle(CALL_CHANNEL, (event, ...args) => call(event, args[0], args[1], args[2]));
  if (opts.printer) {
    const p = createPrintHandlers(opts.printer, opts.isTrustedSender, opts.log);
    ipcMain.handle(PRINT_CHANNEL, (event, html) => p.print(event, html));
    ipcMain.handle(PDF_CHANNEL, (event, html) => p.printToPdf(event, html));
    channels.push(PRINT_CHANNEL, PDF_CHANNEL);
  }
  return () => {
    for (const c of channels) ipcMain.removeHandler(c);
  };
}
