/**
 * The bill panel's words, without a browser: every way the domain parser can
 * refuse an IPS QR code becomes a rule the three languages know (never the
 * catch-all), naming the tag and the slip field; the slip's own checks name
 * the rule and the expected digits; and the camera's decoder reads a QR code
 * drawn in memory, Serbian letters included.
 * (It sits beside the browser tests because it checks the same screen's text;
 * it needs no Chromium and runs everywhere.)
 */
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { tryParseIpsQr, parseIpsQr } from '../../domain/ipsqr.js';
import { LOCALES } from '../../renderer/i18n/messages.js';
import { say } from '../../renderer/i18n/said.js';
import { describeQrRefusal } from '../../renderer/kinds/ipsQrRefusal.js';
import { EMPTY_SLIP, checkSlip, slipFromQr, slipItem } from '../../renderer/kinds/billSlip.js';
import { createQrDecoder } from '../../renderer/kinds/qrDecode.js';

const BILL = 'K:PR|V:01|C:1|R:845000000040484987|N:JP EPS Beograd|I:RSD3596,13|P:Petar Petrović\nKneza Miloša 1\nBeograd|SF:289|S:Racun za struju|RO:97163220000111111111000';
const FULL = 'K:PR|V:01|C:1|R:840000000095584510|N:Čigra doo\nBeograd|I:RSD1025,12|O:845000000040484987|P:Ана Ђурић|SF:221|S:Pretplata|M:5411|JS:1234|RO:2212345674|RL:Faktura 15|RP:AB12CD3426123000015';

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(text: string, r: () => number): string {
  const pool = ['|', ':', '\n', ' ', 'ü', '€', '0', '9', 'A', 'z', 'Š', 'Ж', '-', ',', '||', 'S:', 'RO:', 'K:PR|'];
  let s = text;
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.35) s = s.slice(0, at) + s.slice(at + 1);
    else if (op < 0.7) s = s.slice(0, at) + pool[Math.floor(r() * pool.length)] + s.slice(at);
    else s = s.slice(0, at) + pool[Math.floor(r() * pool.length)] + s.slice(at + 1);
  }
  return s;
}

describe('IPS QR refusals in words', () => {
  it('name the tag, the slip field and the rule for DOMAIN.md cases', () => {
    expect(tryParseIpsQr(FULL).ok).toBe(true);
    const refused = tryParseIpsQr(BILL.replace('484987', '484988'));
    if (refused.ok) throw new Error('a wrong control digit was accepted');
    const bad = describeQrRefusal(refused.error);
    expect(bad.tag).toBe('R');
    expect(bad.field).toBe('account');
    expect(say('en', bad.sentence)).toBe('Payee account (R): the control digits should be 87, not 88.');
    expect(say('sr-Cyrl', bad.sentence)).toBe('Рачун примаоца (R): контролни број треба да буде 87, а не 88.');
    expect(say('sr-Latn', bad.sentence)).toBe('Račun primaoca (R): kontrolni broj treba da bude 87, a ne 88.');

    const cases: [string, string, string][] = [
      [BILL.replace('|S:Racun za struju|', '|S:|'), 'S', 'Purpose (S): the tag is empty; a tag without a value must be left out of the code entirely.'],
      [`${BILL}|`, 'RO', 'Model and reference (RO): nothing may follow the last field: no "|", blank or new line at the end.'],
      [BILL.replace('|SF:289', ''), 'SF', 'Payment code (SF): missing; this tag is mandatory on a bill.'],
      [BILL.replace('RSD3596,13', 'RSD3.596,13'), 'I', 'Amount (I): write RSD, the whole amount, a decimal comma and up to 2 decimals, e.g. RSD1025,12.'],
      [BILL.replace('RO:9716', 'RO:9717'), 'RO', 'Model and reference (RO): the model 97 control digits should be 16, not 17.'],
      [BILL.replace('SF:289', 'SF:489'), 'SF', 'Payment code (SF): the first digit is the form of payment: 1 cash, 2 non-cash, 3 clearing or 9 re-posting.'],
      [BILL.replace('Racun za struju', 'Račun € struja'), 'S', 'Purpose (S): contains "€" (U+20AC), which is not allowed: only Serbian Latin and Cyrillic letters, digits, blanks and the NBS special characters.'],
      [BILL.replace('|N:JP EPS Beograd|I:RSD3596,13', '|I:RSD3596,13|N:JP EPS Beograd'), 'N', 'Payee (N): the tag is out of order; the order is K V C R N I O P SF S M JS RO RL RP.'],
      [BILL.replace('R:845000000040484987', 'R:845-4048-87'), 'R', 'Payee account (R): exactly 18 digits, without dashes or blanks.'],
      [BILL.replace('|S:Racun', '|X:1|S:Racun'), 'X', 'IPS QR code: unknown tag "X"; the tags are K V C R N I O P SF S M JS RO RL RP.'],
      [` ${BILL}`, 'K', 'Code kind (K): the code must start with K: with nothing before it.'],
    ];
    for (const [text, tag, en] of cases) {
      const r = tryParseIpsQr(text);
      expect(r.ok, text).toBe(false);
      if (r.ok) continue;
      const d = describeQrRefusal(r.error);
      expect(d.tag, text).toBe(tag);
      expect(say('en', d.sentence), text).toBe(en);
    }
  });

  it('never fall back to the catch-all for 5,000 mutated codes, in any language', () => {
    const r = rng(20261121);
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const text = mutate(i % 2 ? BILL : FULL, r);
      const parsed = tryParseIpsQr(text);
      if (parsed.ok) continue;
      refused++;
      const d = describeQrRefusal(parsed.error);
      expect(d.rule.key, `${JSON.stringify(text)} → ${parsed.error.message}`).not.toBe('qrRule.other');
      for (const locale of LOCALES) expect(say(locale, d.sentence), text).not.toMatch(/\{\w+\}/);
    }
    expect(refused).toBeGreaterThan(3000);
  });
});

describe('the payment slip', () => {
  it('fills from the sample bill: short account, cash code kept with the bill code, RO split, payer lines', () => {
    const { slip, codeFrom } = slipFromQr(parseIpsQr(BILL), { payerName: '', payerAddress: '', payerPlace: '' });
    expect(slip).toEqual({
      account: '845-404849-87',
      payeeName: 'JP EPS Beograd',
      amount: '3.596,13',
      paymentCode: '189',
      model: '97',
      reference: '163220000111111111000',
      purpose: 'Racun za struju',
      payerName: 'Petar Petrović',
      payerAddress: 'Kneza Miloša 1',
      payerPlace: 'Beograd',
    });
    expect(codeFrom).toBe('289');
    const check = checkSlip(slip, codeFrom);
    expect(check.errors).toEqual({});
    expect(check.code).toEqual({ sent: '289', cash: '189', changed: true });
    expect(slipItem(slip, check, { accepted: false, source: 'scan' })).toMatchObject({ payee: { account: '845000000040484987' }, paymentCode: '289', amountPara: 359613, model: '97', acceptWarnings: false });
  });

  it('says which rule a typed field breaks, with the digits it expects', () => {
    const slip = { ...EMPTY_SLIP, account: '160-5100000000-84', payeeName: 'Müller', amount: '1,2,3', paymentCode: '489', model: '97', reference: '17123412', payerName: 'Ana' };
    const e = checkSlip(slip, null).errors;
    expect(say('en', e.account!)).toBe('Account: the control digits should be 02, not 84.');
    expect(say('en', e.payeeName!)).toContain('Payee: name and seat: "ü" (U+00FC) is not allowed');
    expect(say('en', e.amount!)).toBe('Amount: for example 1.234,56 or 1234.56, with at most 2 decimals.');
    expect(say('en', e.paymentCode!)).toContain('Payment code: 3 digits');
    expect(say('en', e.reference!)).toBe('Reference: the model 97 control digits should be 14, not 17.');
    expect(say('sr-Cyrl', e.account!)).toBe('Рачун: контролни број треба да буде 02, а не 84.');
  });

  it('holds an unknown model as a warning: no line until it is accepted', () => {
    const slip = { ...EMPTY_SLIP, account: '840-955845-10', payeeName: 'Čigra doo', amount: '1.000,00', paymentCode: '189', model: '33', reference: '12345', payerName: 'Ana' };
    const check = checkSlip(slip, null);
    expect(check.errors).toEqual({});
    expect(check.unknownModel).toBe('33');
    expect(slipItem(slip, check, { accepted: false, source: 'manual' })).toBeNull();
    expect(slipItem(slip, check, { accepted: true, source: 'manual' })).toMatchObject({ acceptWarnings: true, amountPara: 100000 });
  });
});

describe('the camera decoder', () => {
  it('reads a QR code drawn in memory, Serbian letters included', async () => {
    const qr = QRCode.create(BILL, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    const scale = 4;
    const side = (n + 8) * scale;
    const lum = new Uint8ClampedArray(side * side).fill(255);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) for (let y = 0; y < scale; y++) lum.fill(0, ((r + 4) * scale + y) * side + (c + 4) * scale, ((r + 4) * scale + y) * side + (c + 5) * scale);
    const decoder = await createQrDecoder();
    expect(decoder.decode(lum, side, side)).toBe(BILL);
    expect(decoder.decode(new Uint8ClampedArray(side * side).fill(255), side, side)).toBeNull();
  });
});
