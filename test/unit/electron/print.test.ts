import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow, FakeWebContents } from './fakeElectron.js';
import { createReceiptPrinter, htmlDataUrl, PRINT_PARTITION, RECEIPT_PDF_PAGE } from '../../../electron/print.js';

vi.mock('electron', async () => (await import('./fakeElectron.js')).fake.module);

const RECEIPT = '<!doctype html><html><body><h1>ПОШТА / POSTA</h1></body></html>';

beforeEach(() => {
  fake.reset();
});

describe('receipt printing', () => {
  it('loads the receipt into a hidden, sandboxed window with JavaScript off and a session of its own', async () => {
    await createReceiptPrinter().print(RECEIPT);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({ javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, partition: PRINT_PARTITION });
    expect(win.options.webPreferences).not.toHaveProperty('preload');
    expect(PRINT_PARTITION.startsWith('persist:')).toBe(false);
    expect(win.loadURL).toHaveBeenCalledWith(htmlDataUrl(RECEIPT));
    expect(Buffer.from(htmlDataUrl(RECEIPT).split(',')[1]!, 'base64').toString('utf8')).toBe(RECEIPT);
  });

  it('lets the print window load nothing but its own data: document', async () => {
    await createReceiptPrinter().print(RECEIPT);
    const ses = fake.partitions.get(PRINT_PARTITION)!;
    expect(ses.cancels(htmlDataUrl(RECEIPT))).toBe(false);
    expect(ses.cancels('https://tracker.example/pixel.png')).toBe(true);
    expect(ses.cancels('file:///etc/passwd')).toBe(true);
    expect(ses.cancels('app://postdesk/index.html')).toBe(true);
    expect(ses.grants('media', 'data:text/html,x')).toBe(false);
  });

  it('opens the system print dialog (not silent) and closes the window afterwards', async () => {
    expect(await createReceiptPrinter().print(RECEIPT)).toEqual({ printed: true });
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.webContents.print).toHaveBeenCalledWith(expect.objectContaining({ silent: false }), expect.any(Function));
    expect(win.isDestroyed()).toBe(true);
  });

  it('reports a cancelled dialog as not printed and a failure as an error, closing the window either way', async () => {
    FakeWebContents.printResult = { success: false, failureReason: 'Print job canceled' };
    expect(await createReceiptPrinter().print(RECEIPT)).toEqual({ printed: false });
    FakeWebContents.printResult = { success: false, failureReason: 'Print job failed' };
    await expect(createReceiptPrinter().print(RECEIPT)).rejects.toThrow(/Print job failed/);
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    expect(FakeBrowserWindow.instances.every((w) => w.isDestroyed())).toBe(true);
  });

  it('renders a PDF 80 mm wide with no margins and closes the window', async () => {
    const pdf = await createReceiptPrinter().printToPdf(RECEIPT);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const win = FakeBrowserWindow.instances[0]!;
    const options = win.webContents.printToPDF.mock.calls[0]![0] as { pageSize: { width: number; height: number }; margins: Record<string, number> };
    expect(options.pageSize.width * 25.4).toBeCloseTo(80, 6);
    expect(options.pageSize).toEqual(RECEIPT_PDF_PAGE);
    expect(options.margins).toEqual({ top: 0, bottom: 0, left: 0, right: 0 });
    expect(win.isDestroyed()).toBe(true);
  });
});
