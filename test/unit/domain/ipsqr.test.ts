import { describe, expect, it } from 'vitest';
import { AppError } from '../../../domain/errors.js';
import { formatIpsAmount, parseIpsQr, serializeIpsQr, tryParseIpsQr, type IpsQr } from '../../../domain/ipsqr.js';

/** The AppError thrown by parseIpsQr (fails the test when it does not throw one). */
function qrError(text: unknown): AppError {
  try {
    parseIpsQr(text as string);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('IPS_QR_INVALID');
    return e as AppError;
  }
  throw new Error(`expected IPS_QR_INVALID for ${JSON.stringify(text)}`);
}

const SAMPLE = 'K:PR|V:01|C:1|R:840000000095584510|N:Čigra doo|I:RSD1025,12|SF:289';
const HEAD = 'K:PR|V:01|C:1|R:840000000095584510|N:Čigra doo|I:RSD1025,12';
/** A valid PR code with `extra` appended after SF (extra starts with "|"). */
const withTail = (extra: string) => `${SAMPLE}${extra}`;
/** A valid PR code with the given I value. */
const withAmount = (i: string, kind = 'PR') => `K:${kind}|V:01|C:1|R:840000000095584510|N:Čigra doo|I:${i}|SF:289`;
/** A valid PR code with the given N value. */
const withName = (n: string) => `K:PR|V:01|C:1|R:840000000095584510|N:${n}|I:RSD1025,12|SF:289`;

describe('DOMAIN.md samples', () => {
  it('the Čigra sample is valid', () => {
    expect(parseIpsQr(SAMPLE)).toEqual({
      kind: 'PR',
      version: '01',
      charset: '1',
      payeeAccount: '840000000095584510',
      payeeName: 'Čigra doo',
      amountPara: 102512,
      currency: 'RSD',
      paymentCode: '289',
    });
  });

  it('the electricity bill (R 845000000040484987, SF 189, RO 97163220000111111111000) is valid', () => {
    const text = 'K:PR|V:01|C:1|R:845000000040484987|N:JP EPS Beograd\nBalkanska 13|I:RSD3596,13|SF:189|RO:97163220000111111111000';
    const qr = parseIpsQr(text);
    expect(qr).toMatchObject({
      payeeAccount: '845000000040484987',
      payeeName: 'JP EPS Beograd\nBalkanska 13',
      amountPara: 359613,
      paymentCode: '189',
      reference: '97163220000111111111000',
    });
    expect(serializeIpsQr(qr)).toBe(text);
  });

  it('|S:| is invalid and the error names tag S', () => {
    const e = qrError(withTail('|S:|'));
    expect(e.field).toBe('S');
    expect(e.message).toMatch(/Tag S/);
    const e2 = qrError(`${HEAD}|SF:289|S:|M:1234`);
    expect(e2.field).toBe('S');
  });

  it('RSD,01 is invalid; RSD0,01 is the minimum', () => {
    expect(qrError(withAmount('RSD,01')).field).toBe('I');
    expect(parseIpsQr(withAmount('RSD0,01')).amountPara).toBe(1);
  });

  it('the sample accounts with a wrong control are refused on R', () => {
    const e = qrError('K:PR|V:01|C:1|R:160000000123456778|N:X|I:RSD1,00|SF:189');
    expect(e.field).toBe('R');
    expect(e.message).toContain('29');
    expect(qrError('K:PR|V:01|C:1|R:160000510000000084|N:X|I:RSD1,00|SF:189').message).toContain('02');
  });
});

describe('layout of the text', () => {
  it.each([
    [' K:PR|V:01', 'a leading blank'],
    ['\nK:PR|V:01', 'a leading empty line'],
    ['\uFEFFK:PR|V:01', 'a byte order mark'],
    ['|K:PR|V:01', 'a leading |'],
    ['', 'empty text'],
    ['V:01|K:PR', 'not starting with K'],
    ['X:1|K:PR', 'an unknown first tag'],
    ['KPR|V:01', 'no colon in the first field'],
  ])('%j is refused on K (%s)', (text) => {
    expect(qrError(text).field).toBe('K');
  });

  it.each([
    [withTail('|'), 'SF', 'a trailing |'],
    [withTail(' '), 'SF', 'a trailing blank'],
    [withTail('\n'), 'SF', 'a trailing new line'],
    [withTail('\r\n'), 'SF', 'a trailing CR LF'],
    [withTail('\t'), 'SF', 'a trailing tab'],
    [`${HEAD}|SF:289|S:Račun za struju `, 'S', 'a blank at the end of the last value'],
  ])('%j is refused (%s)', (text, field) => {
    const e = qrError(text);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(/Nothing may follow the last field/);
  });

  it('an empty field between two | is refused', () => {
    expect(qrError('K:PR|V:01||C:1|R:840000000095584510').field).toBe('V');
  });

  it('a duplicate tag is refused', () => {
    const e = qrError(`${HEAD}|SF:289|SF:189`);
    expect(e.field).toBe('SF');
    expect(e.message).toMatch(/more than once/);
    expect(qrError('K:PR|K:PR|V:01|C:1|R:840000000095584510').field).toBe('K');
  });

  it('an unknown tag is refused, naming it', () => {
    for (const t of ['X', 'RK', 'k', 'sf', 'SFX', 'IR', 'T']) {
      const e = qrError(withTail(`|${t}:1`));
      expect(e.field).toBe(t);
      expect(e.message).toContain(`Unknown tag "${t}"`);
    }
  });

  it('a field with no tag before its colon is refused', () => {
    expect(qrError(withTail('|:x')).field).toBe('SF');
  });

  it('a field with no colon is refused', () => {
    expect(qrError(withTail('|S')).message).toMatch(/no ":"/);
  });

  it('tags out of the regulation order are refused', () => {
    const e = qrError('K:PR|V:01|C:1|R:840000000095584510|I:RSD1025,12|N:Čigra doo|SF:289');
    expect(e.field).toBe('N');
    expect(e.message).toMatch(/out of order/);
    expect(qrError('K:PR|C:1|V:01|R:840000000095584510|N:A|I:RSD1,00|SF:189').field).toBe('V');
    expect(qrError(`${HEAD}|SF:289|RP:TID1234526106000001|S:Test`).field).toBe('S');
  });

  it('the whole tag order is accepted', () => {
    const all =
      'K:PR|V:01|C:1|R:840000000095584510|N:Čigra doo\nBeograd|I:RSD1025,12|O:845000000040484987|P:Petar Petrović\nKneza Miloša 1\nBeograd|SF:289|S:Račun 03/2024|M:5411|JS:12345|RO:9714123412|RL:Faktura 17/2024|RP:TID1234526106000001';
    expect(parseIpsQr(all)).toEqual({
      kind: 'PR',
      version: '01',
      charset: '1',
      payeeAccount: '840000000095584510',
      payeeName: 'Čigra doo\nBeograd',
      amountPara: 102512,
      currency: 'RSD',
      payerAccount: '845000000040484987',
      payer: 'Petar Petrović\nKneza Miloša 1\nBeograd',
      paymentCode: '289',
      purpose: 'Račun 03/2024',
      mcc: '5411',
      payerCode: '12345',
      reference: '9714123412',
      payeeReference: 'Faktura 17/2024',
      posReference: 'TID1234526106000001',
    });
    expect(serializeIpsQr(parseIpsQr(all))).toBe(all);
  });

  it('refuses non-string input with an AppError', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol('x')]) expect(qrError(v).field).toBe('K');
    expect(tryParseIpsQr(undefined as unknown as string).ok).toBe(false);
  });
});

describe('mandatory tags', () => {
  it.each([
    ['K:PR|C:1|R:840000000095584510|N:A|I:RSD1,00|SF:189', 'V'],
    ['K:PR|V:01|R:840000000095584510|N:A|I:RSD1,00|SF:189', 'C'],
    ['K:PR|V:01|C:1|N:A|I:RSD1,00|SF:189', 'R'],
    ['K:PR|V:01|C:1|R:840000000095584510|I:RSD1,00|SF:189', 'N'],
    ['K:PR|V:01|C:1|R:840000000095584510|N:A|SF:189', 'I'],
    ['K:PR|V:01|C:1|R:840000000095584510|N:A|I:RSD1,00', 'SF'],
    ['K:PT|V:01|C:1', 'R'],
    ['K:EK|V:01|R:840000000095584510', 'C'],
  ])('%j misses %s', (text, tag) => {
    const e = qrError(text);
    expect(e.field).toBe(tag);
    expect(e.message).toMatch(/mandatory/);
  });

  it.each(['PT', 'PK', 'EK'])('%s needs only K, V, C and R', (kind) => {
    expect(parseIpsQr(`K:${kind}|V:01|C:1|R:840000000095584510`)).toEqual({
      kind,
      version: '01',
      charset: '1',
      payeeAccount: '840000000095584510',
    });
  });
});

describe('K, V, C', () => {
  it.each(['PX', 'pr', 'PR ', 'PRPR', 'P'])('K:%s is refused', (k) => {
    expect(qrError(`K:${k}|V:01|C:1|R:840000000095584510|N:A|I:RSD1,00|SF:189`).field).toBe('K');
  });
  it.each(['1', '02', '001', '1 '])('V:%s is refused', (v) => {
    expect(qrError(`K:PR|V:${v}|C:1|R:840000000095584510|N:A|I:RSD1,00|SF:189`).field).toBe('V');
  });
  it.each(['0', '2', '01', 'UTF-8'])('C:%s is refused', (c) => {
    expect(qrError(`K:PR|V:01|C:${c}|R:840000000095584510|N:A|I:RSD1,00|SF:189`).field).toBe('C');
  });
});

describe('R and O accounts', () => {
  it.each(['84000000009558451', '8400000000955845100', '840-955845-10', '840000000095584510x', '84000000009558451O'])(
    'R:%s is refused (18 digits)',
    (r) => {
      const e = qrError(`K:PR|V:01|C:1|R:${r}|N:A|I:RSD1,00|SF:189`);
      expect(e.field).toBe('R');
    },
  );

  it('a wrong control on R names the expected digits', () => {
    const e = qrError('K:PR|V:01|C:1|R:840000000095584511|N:A|I:RSD1,00|SF:189');
    expect(e.field).toBe('R');
    expect(e.message).toContain('should be 10');
  });

  it('O is checked like R', () => {
    expect(parseIpsQr(`${HEAD}|O:165000000000005574|SF:289`).payerAccount).toBe('165000000000005574');
    expect(qrError(`${HEAD}|O:165000000000005575|SF:289`).field).toBe('O');
    expect(qrError(`${HEAD}|O:16500000000000557|SF:289`).field).toBe('O');
  });
});

describe('I: currency and amount', () => {
  it.each([
    ['RSD1025,12', 102512],
    ['RSD1025,', 102500],
    ['RSD1025,1', 102510],
    ['RSD1025,05', 102505],
    ['RSD0,01', 1],
    ['RSD0,1', 10],
    ['RSD007,50', 750],
    ['RSD999999999999,99', 99999999999999],
    ['RSD999999999999,', 99999999999900],
  ])('%s → %i para', (i, para) => {
    expect(parseIpsQr(withAmount(i)).amountPara).toBe(para);
  });

  it('PR may carry RSD0,00 and RSD0,', () => {
    expect(parseIpsQr(withAmount('RSD0,00')).amountPara).toBe(0);
    expect(parseIpsQr(withAmount('RSD0,')).amountPara).toBe(0);
  });

  it.each(['PT', 'PK', 'EK'])('%s may not carry a zero amount', (kind) => {
    const e = qrError(withAmount('RSD0,00', kind));
    expect(e.field).toBe('I');
    expect(e.message).toMatch(/at least RSD0,01/);
  });

  it.each([
    'RSD,01',
    'RSD,',
    'RSD',
    'RSD1025',
    'RSD1025.12',
    'RSD1.025,12',
    'RSD1 025,12',
    'RSD1025,123',
    'RSD1025,1a',
    'RSD1025,,1',
    'RSD-5,00',
    'RSD+5,00',
    'EUR1025,12',
    'rsd1025,12',
    '1025,12',
    'RSD 1025,12',
    'RSD1000000000000,00',
    'RSD9999999999999,99',
    'RSD１０,00',
  ])('%s is refused on I', (i) => {
    expect(qrError(withAmount(i)).field).toBe('I');
  });
});

describe('free text: N, P, S, RL', () => {
  it('N takes 1 to 70 characters', () => {
    expect(parseIpsQr(withName('A'.repeat(70))).payeeName).toHaveLength(70);
    const e = qrError(withName('A'.repeat(71)));
    expect(e.field).toBe('N');
    expect(e.message).toMatch(/at most 70/);
  });

  it('N and P accept several lines; CR LF becomes LF', () => {
    expect(parseIpsQr(withName('Čigra doo\r\nBulevar 1\r\nBeograd')).payeeName).toBe('Čigra doo\nBulevar 1\nBeograd');
    expect(parseIpsQr(`${HEAD}|P:Pera\r\nBeograd|SF:289`).payer).toBe('Pera\nBeograd');
  });

  it('the 70-character limit counts LF, after CR LF is normalised', () => {
    const name = `${'A'.repeat(34)}\r\n${'B'.repeat(35)}`; // 71 characters as sent, 70 after
    expect(parseIpsQr(withName(name)).payeeName).toHaveLength(70);
  });

  it('an empty line, a lone CR or a value ending in a new line is refused in N', () => {
    expect(qrError(withName('A\n\nB')).field).toBe('N');
    expect(qrError(withName('\nA')).field).toBe('N');
    expect(qrError(withName('A\rB')).field).toBe('N');
    expect(qrError(withName('A\n')).field).toBe('N');
  });

  it('S and RL must be on one line', () => {
    expect(qrError(`${SAMPLE}|S:a\nb`).field).toBe('S');
    expect(qrError(`${SAMPLE}|RL:a\r\nb`).field).toBe('RL');
  });

  it('S takes up to 35 characters, RL up to 140, P up to 70', () => {
    expect(parseIpsQr(`${SAMPLE}|S:${'s'.repeat(35)}`).purpose).toHaveLength(35);
    expect(qrError(`${SAMPLE}|S:${'s'.repeat(36)}`).field).toBe('S');
    expect(parseIpsQr(`${SAMPLE}|RL:${'r'.repeat(140)}`).payeeReference).toHaveLength(140);
    expect(qrError(`${SAMPLE}|RL:${'r'.repeat(141)}`).field).toBe('RL');
    expect(parseIpsQr(`${HEAD}|P:${'p'.repeat(70)}|SF:289`).payer).toHaveLength(70);
    expect(qrError(`${HEAD}|P:${'p'.repeat(71)}|SF:289`).field).toBe('P');
  });

  it('accepts Serbian Latin and Cyrillic letters, digits and every NBS special character', () => {
    expect(parseIpsQr(withName('ČĆŽŠĐ čćžšđ QWXY qwxy 0123456789')).payeeName).toBe('ČĆŽŠĐ čćžšđ QWXY qwxy 0123456789');
    const cyr = 'АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ абвгдђежзијклљмнњопрстћуфхцчџш';
    expect(parseIpsQr(`${SAMPLE}|RL:${cyr}`).payeeReference).toBe(cyr);
    const specials = '!(/@})[:~#*;]$+<^%,="&->`\\.?{\'_';
    expect(parseIpsQr(`${SAMPLE}|S:${specials}`).purpose).toBe(specials);
  });

  it('composes decomposed letters (NFC)', () => {
    expect(parseIpsQr(withName('C\u030Cigra doo')).payeeName).toBe('Čigra doo');
  });

  it.each([
    ['Я', 'a Cyrillic letter not in the Serbian alphabet'],
    ['Й', 'a Cyrillic letter not in the Serbian alphabet'],
    ['é', 'a Latin letter with a diacritic Serbian does not use'],
    ['😀', 'an emoji'],
    ['\uD800', 'a lone surrogate'],
    ['\t', 'a tab'],
    ['\u0000', 'NUL'],
    ['€', 'the euro sign'],
    ['\u00A0', 'a no-break space'],
  ])('N containing %j is refused (%s)', (ch) => {
    const e = qrError(withName(`Čigra ${ch}doo`));
    expect(e.field).toBe('N');
    expect(e.message).toMatch(/not allowed/);
  });

  it('a value of blanks only is refused', () => {
    expect(qrError(withName('   ')).field).toBe('N');
    expect(qrError(`${HEAD}|SF:289|S:  |M:1234`).field).toBe('S');
  });
});

describe('SF, M, JS, RO, RP', () => {
  it('SF: 3 digits with a form digit of 1, 2, 3 or 9', () => {
    for (const sf of ['189', '289', '221', '353', '990', '140']) expect(parseIpsQr(`${HEAD}|SF:${sf}`).paymentCode).toBe(sf);
    for (const sf of ['89', '1890', '18a', '489', '089', ' 89']) expect(qrError(`${HEAD}|SF:${sf}`).field).toBe('SF');
  });

  it('M: 4 digits', () => {
    expect(parseIpsQr(`${SAMPLE}|M:5411`).mcc).toBe('5411');
    for (const m of ['541', '54111', '54a1']) expect(qrError(`${SAMPLE}|M:${m}`).field).toBe('M');
  });

  it('JS: 1 to 10 digits', () => {
    expect(parseIpsQr(`${SAMPLE}|JS:12345`).payerCode).toBe('12345');
    for (const js of ['12a45', '12345678901', '-1']) expect(qrError(`${SAMPLE}|JS:${js}`).field).toBe('JS');
  });

  it('RO: model 97 is checked; 00 and unknown models are accepted', () => {
    expect(parseIpsQr(`${SAMPLE}|RO:9714123412`).reference).toBe('9714123412');
    expect(parseIpsQr(`${SAMPLE}|RO:00123ABC`).reference).toBe('00123ABC');
    expect(parseIpsQr(`${SAMPLE}|RO:12345`).reference).toBe('12345');
    const e = qrError(`${SAMPLE}|RO:9715123412`);
    expect(e.field).toBe('RO');
    expect(e.message).toContain('should be 14');
  });

  it.each(['97-14-123412', '97 14123412', '9', '97', 'AB123', `00${'1'.repeat(34)}`, '97123412/1'])('RO:%s is refused', (ro) => {
    expect(qrError(`${SAMPLE}|RO:${ro}`).field).toBe('RO');
  });

  it('RP: terminal id, year, day of the year, transaction number', () => {
    expect(parseIpsQr(`${SAMPLE}|RP:TID1234526106000001`).posReference).toBe('TID1234526106000001');
    expect(parseIpsQr(`${SAMPLE}|RP:0000000124366999999`).posReference).toBe('0000000124366999999');
    for (const rp of ['TID123452610600000', 'TID12345261060000012', 'TID1234526000000001', 'TID1234526367000001', 'TID-234526106000001', 'TID123452610600000A']) {
      expect(qrError(`${SAMPLE}|RP:${rp}`).field).toBe('RP');
    }
  });
});

describe('serializeIpsQr', () => {
  const base: IpsQr = {
    kind: 'PR',
    version: '01',
    charset: '1',
    payeeAccount: '840000000095584510',
    payeeName: 'Čigra doo',
    amountPara: 102512,
    currency: 'RSD',
    paymentCode: '289',
  };

  it('writes the DOMAIN.md sample', () => {
    expect(serializeIpsQr(base)).toBe(SAMPLE);
  });

  it('formats amounts with two decimals', () => {
    expect(formatIpsAmount(0)).toBe('RSD0,00');
    expect(formatIpsAmount(5)).toBe('RSD0,05');
    expect(formatIpsAmount(102500)).toBe('RSD1025,00');
    expect(formatIpsAmount(99999999999999)).toBe('RSD999999999999,99');
  });

  it('joins lines with LF', () => {
    expect(serializeIpsQr({ ...base, payeeName: 'Čigra doo\r\nBeograd' })).toBe(
      'K:PR|V:01|C:1|R:840000000095584510|N:Čigra doo\nBeograd|I:RSD1025,12|SF:289',
    );
  });

  it.each<[string, Partial<IpsQr> & Record<string, unknown>, string]>([
    ['an empty optional value', { purpose: '' }, 'S'],
    ['a | inside a value', { purpose: 'a|M:1234' }, 'S'],
    ['a fractional amount', { amountPara: 10.5 }, 'I'],
    ['a negative amount', { amountPara: -1 }, 'I'],
    ['an amount over the maximum', { amountPara: 100000000000000 }, 'I'],
    ['a currency without an amount', { amountPara: undefined }, 'I'],
    ['a short-form account', { payeeAccount: '840-955845-10' }, 'R'],
    ['a bad payee control', { payeeAccount: '840000000095584511' }, 'R'],
    ['a missing payee name on PR', { payeeName: undefined }, 'N'],
    ['a non-string value', { mcc: 5411 as unknown as string }, 'M'],
    ['a trailing blank on the last value', { posReference: undefined, payeeReference: 'x ' }, 'RL'],
  ])('refuses %s (field %s)', (_why, patch, field) => {
    const qr = { ...base, ...patch } as IpsQr;
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete (qr as unknown as Record<string, unknown>)[k];
    let err: unknown = null;
    try {
      serializeIpsQr(qr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'IPS_QR_INVALID', field });
  });
});
