import { describe, expect, it, vi } from 'vitest';
import { menuLanguageFor, menuTemplate } from '../../../electron/menu.js';

describe('the menu’s language', () => {
  it('is Serbian Cyrillic unless the system asks for Latin script or English', () => {
    expect(menuLanguageFor('sr-RS')).toBe('sr-Cyrl');
    expect(menuLanguageFor('sr')).toBe('sr-Cyrl');
    expect(menuLanguageFor('de-DE')).toBe('sr-Cyrl');
    expect(menuLanguageFor('sr-Latn-RS')).toBe('sr-Latn');
    expect(menuLanguageFor('en-US')).toBe('en');
  });

  it('labels File → Print receipt in each language', () => {
    const actions = { printReceipt: vi.fn(), about: vi.fn() };
    const label = (language: 'sr-Cyrl' | 'sr-Latn' | 'en') => {
      const file = menuTemplate({ dev: false, language, actions })[0]!;
      return (file.submenu as { id?: string; label?: string }[]).find((i) => i.id === 'print-receipt')!.label;
    };
    expect(label('sr-Cyrl')).toBe('Штампај рачун');
    expect(label('sr-Latn')).toBe('Štampaj račun');
    expect(label('en')).toBe('Print receipt');
  });
});
