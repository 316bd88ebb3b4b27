import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../domain/errors.js';
import { DICTIONARIES, ERROR_DICTIONARIES, LOCALES, errorSentence, translate } from '../../../renderer/i18n/messages.js';
import { cyrToLat } from '../../../renderer/i18n/translit.js';

const CYRILLIC = /[\u0400-\u04FF]/;

describe('renderer dictionaries', () => {
  it('give every error code a sentence in every language', () => {
    for (const locale of LOCALES) {
      const missing = [...ERROR_CODES, 'NETWORK', 'BAD_RESPONSE'].filter((code) => !errorSentence(locale, code));
      expect(missing, `${locale} lacks sentences for`).toEqual([]);
    }
  });

  it('have the same keys and placeholders in all three languages', () => {
    const keys = Object.keys(DICTIONARIES.en).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(DICTIONARIES[locale]).sort()).toEqual(keys);
      for (const key of keys) {
        const text = DICTIONARIES[locale][key as keyof typeof DICTIONARIES.en];
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(holes(text), `${locale} ${key}`).toEqual(holes(DICTIONARIES.en[key as keyof typeof DICTIONARIES.en]));
      }
    }
    expect(Object.keys(ERROR_DICTIONARIES['sr-Cyrl']).sort()).toEqual(Object.keys(ERROR_DICTIONARIES.en).sort());
  });

  it('write Serbian Latin and English without a Cyrillic letter, and Serbian Cyrillic in Cyrillic', () => {
    for (const locale of ['sr-Latn', 'en'] as const) {
      for (const [key, text] of [...Object.entries(DICTIONARIES[locale]), ...Object.entries(ERROR_DICTIONARIES[locale])]) {
        expect(CYRILLIC.test(text), `${locale} ${key}: ${text}`).toBe(false);
      }
    }
    expect(translate('sr-Cyrl', 'signIn.title')).toBe('Пријава');
    expect(translate('sr-Latn', 'signIn.title')).toBe('Prijava');
    expect(translate('en', 'signIn.title')).toBe('Sign in');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'tillClosed.short', { amount: '10,00 RSD' })).toBe('Short by 10,00 RSD.');
    expect(translate('sr-Cyrl', 'tillClosed.short', {})).toBe('Мањак {amount}.');
  });
});

describe('Cyrillic to Latin', () => {
  it('maps every Serbian letter, digraphs by case', () => {
    expect(cyrToLat('Љубав, њива, џеп, Ђорђе, ћуприја, жаба, чаша, шума')).toBe('Ljubav, njiva, džep, Đorđe, ćuprija, žaba, čaša, šuma');
    expect(cyrToLat('ЉУБАВ ЊИВА ЏЕП')).toBe('LJUBAV NJIVA DŽEP');
    expect(cyrToLat('Џ')).toBe('Dž');
    expect(cyrToLat('ПИН-а, RSD 1.234,56')).toBe('PIN-a, RSD 1.234,56');
  });
});
