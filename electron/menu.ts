/**
 * The application menu as a template (plain data, so a test can read it):
 * File → Print receipt, Quit; View → zoom and full screen, plus reload and
 * developer tools in development only; Help → About.
 */
import type { MenuItemConstructorOptions } from 'electron';

export type MenuLanguage = 'sr-Cyrl' | 'sr-Latn' | 'en';

const LABELS: Record<MenuLanguage, Record<'file' | 'printReceipt' | 'quit' | 'view' | 'help' | 'about', string>> = {
  'sr-Cyrl': { file: '&Датотека', printReceipt: 'Штампај рачун', quit: 'Излаз', view: '&Приказ', help: 'По&моћ', about: 'О програму PostDesk' },
  'sr-Latn': { file: '&Datoteka', printReceipt: 'Štampaj račun', quit: 'Izlaz', view: '&Prikaz', help: 'Po&moć', about: 'O programu PostDesk' },
  en: { file: '&File', printReceipt: 'Print receipt', quit: 'Quit', view: '&View', help: '&Help', about: 'About PostDesk' },
};

/** Serbian Cyrillic unless the system asks for Latin script or English. */
export function menuLanguageFor(locale: string): MenuLanguage {
  const l = locale.toLowerCase();
  if (l.startsWith('en')) return 'en';
  if (l.startsWith('sr-latn') || l.startsWith('hr') || l.startsWith('bs')) return 'sr-Latn';
  return 'sr-Cyrl';
}

export interface MenuActions {
  printReceipt(): void;
  about(): void;
}

export function menuTemplate(opts: { dev: boolean; language: MenuLanguage; actions: MenuActions }): MenuItemConstructorOptions[] {
  const t = LABELS[opts.language];
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (opts.dev) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    {
      label: t.file,
      submenu: [
        { id: 'print-receipt', label: t.printReceipt, accelerator: 'CmdOrCtrl+P', click: () => opts.actions.printReceipt() },
        { type: 'separator' },
        { id: 'quit', label: t.quit, role: 'quit' },
      ],
    },
    { label: t.view, submenu: view },
    { role: 'help', label: t.help, submenu: [{ id: 'about', label: t.about, click: () => opts.actions.about() }] },
  ];
}
