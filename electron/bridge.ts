/**
 * The shape of `window.postdesk`, the object the preload exposes to the
 * renderer. Type-only on purpose: the renderer imports it with `import type`,
 * and the sandboxed preload cannot load this file at run time either, so
 * nothing here may need Node, Electron or the DOM.
 */
import type { Input, MethodName, Output } from '../domain/api.js';
import type { Result } from '../domain/errors.js';

/** The IPC channels between preload and main; the preload spells them out, checked against this type. */
export type IpcChannel = 'postdesk:call' | 'postdesk:print' | 'postdesk:printToPdf' | 'postdesk:menu';

/** What a menu item asks the renderer to do (main → renderer on 'postdesk:menu'). */
export type MenuCommand = 'print-receipt';

/** A print dialog the clerk cancelled is not an error: `printed` is false. */
export interface PrintOutcome {
  printed: boolean;
}

export interface PostdeskBridge {
  /** One API method over IPC; main validates the input against the contract before any handler runs. */
  call<M extends MethodName>(method: M, input: Input<M>, session: string | null): Promise<Result<Output<M>>>;
  /** Prints a self-contained HTML page (a receipt) through the system print dialog. */
  print(html: string): Promise<Result<PrintOutcome>>;
  /** Renders a self-contained HTML page to a PDF 80 mm wide. */
  printToPdf(html: string): Promise<Result<{ pdfBase64: string }>>;
  /** Listens for menu commands (File → Print receipt); returns the function that stops listening. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}
