import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../../domain/errors.js';
import { IPS_MAX_AMOUNT_PARA, parseIpsQr, serializeIpsQr, type IpsQr, type IpsQrKind } from '../../../domain/ipsqr.js';

// ---------------------------------------------------------------------------------------
// generators (control digits computed here with BigInt, not with the code under test)

const DIGIT = [...'0123456789'];
const digits = (min: number, max = min) => fc.string({ unit: fc.constantFrom(...DIGIT), minLength: min, maxLength: max });

function control(first16: string): string {
  return String(98n - ((BigInt(first16) * 100n) % 97n)).padStart(2, '0');
}
const accountArb = digits(16).map((d) => d + control(d));

const LETTERS = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  ...'ČĆŽŠĐčćžšđ',
  ...'АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШабвгдђежзијклљмнњопрстћуфхцчџш',
  ...'!(/@})[:~#*;]$+<^%,="&->`\\.?{\'_',
];
const word = fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 1, maxLength: 12 });
const line = fc.array(word, { minLength: 1, maxLength: 8 }).map((ws) => ws.join(' '));
/** Free text of 1..max characters: words separated by single blanks, lines by LF, no blank at either end. */
const textArb = (max: number, multiline: boolean) =>
  (multiline ? fc.array(line, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('\n')) : line).map((s) =>
    s.slice(0, max).replace(/[\s]+$/, ''),
  );

const ALNUM = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
function m97(body: string): string {
  const v = BigInt([...body].map((c) => String(parseInt(c, 36))).join(''));
  return String(98n - ((v * 100n) % 97n)).padStart(2, '0');
}
const referenceArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: 31 }).map((b) => `97${m97(b)}${b}`),
  fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: 33 }).map((b) => `00${b}`),
  // models this code does not check (accepted with a warning elsewhere)
  fc.tuple(fc.constantFrom('01', '05', '12', '98'), digits(1, 33)).map(([m, r]) => m + r),
);
const posRefArb = fc
  .tuple(fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 8, maxLength: 8 }), digits(2), fc.integer({ min: 1, max: 366 }), digits(6))
  .map(([tid, yy, day, n]) => `${tid}${yy}${String(day).padStart(3, '0')}${n}`);
const paymentCodeArb = fc.tuple(fc.constantFrom('1', '2', '3', '9'), digits(2)).map(([f, b]) => f + b);

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const ipsQrArb: fc.Arbitrary<IpsQr> = fc.constantFrom<IpsQrKind>('PR', 'PT', 'PK', 'EK').chain((kind) => {
  const pr = kind === 'PR';
  const must = <T>(a: fc.Arbitrary<T>) => (pr ? a : opt(a));
  return fc
    .record({
      payeeAccount: accountArb,
      payeeName: must(textArb(70, true)),
      amountPara: must(fc.oneof(fc.integer({ min: pr ? 0 : 1, max: IPS_MAX_AMOUNT_PARA }), fc.integer({ min: pr ? 0 : 1, max: 100000 }))),
      payerAccount: opt(accountArb),
      payer: opt(textArb(70, true)),
      paymentCode: must(paymentCodeArb),
      purpose: opt(textArb(35, false)),
      mcc: opt(digits(4)),
      payerCode: opt(digits(1, 10)),
      reference: opt(referenceArb),
      payeeReference: opt(textArb(140, false)),
      posReference: opt(posRefArb),
    })
    .map((r) => {
      const qr: IpsQr = { kind, version: '01', charset: '1', payeeAccount: r.payeeAccount };
      for (const [k, v] of Object.entries(r)) if (v !== undefined) (qr as unknown as Record<string, unknown>)[k] = v;
      if (qr.amountPara !== undefined) qr.currency = 'RSD';
      return qr;
    });
});

// ---------------------------------------------------------------------------------------

/** Throws a plain Error (failing the property) unless `fn` returns or throws AppError IPS_QR_INVALID with a tag. */
function onlyAppError(text: string): IpsQr | null {
  try {
    return parseIpsQr(text);
  } catch (e) {
    if (!(e instanceof AppError)) throw new Error(`non-AppError ${String(e)} for ${JSON.stringify(text)}`);
    if (e.code !== 'IPS_QR_INVALID') throw new Error(`code ${e.code} for ${JSON.stringify(text)}`);
    if (typeof e.field !== 'string' || e.field.length === 0) throw new Error(`no field for ${JSON.stringify(text)}`);
    if (e.message.length === 0 || e.message.length > 400) throw new Error(`bad message length for ${JSON.stringify(text)}`);
    return null;
  }
}

describe('round trip', () => {
  it('parseIpsQr(serializeIpsQr(x)) deep-equals x for 10^4 valid values', () => {
    fc.assert(
      fc.property(ipsQrArb, (qr) => {
        const text = serializeIpsQr(qr);
        expect(parseIpsQr(text)).toEqual(qr);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('robustness', () => {
  const POOL = fc.sample(ipsQrArb.map(serializeIpsQr), { numRuns: 400, seed: 42 });
  const poolIdx = fc.integer({ min: 0, max: POOL.length - 1 });
  const SPECIAL = [...'|:\n\r \t,', 'Č', 'Я', '\u030C', '\uD800', '\uDC00', '😀', '\u0000', '\uFEFF', 'RSD', 'K:', '|S:', '|SF:189'];
  const insertion = fc.oneof(
    fc.constantFrom(...SPECIAL),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }),
  );
  type Mut = { kind: 'del' | 'ins' | 'swap' | 'rep' | 'cut' | 'dup'; at: number; len: number; s: string };
  const mutation: fc.Arbitrary<Mut> = fc.record({
    kind: fc.constantFrom('del', 'ins', 'swap', 'rep', 'cut', 'dup'),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 6 }),
    s: insertion,
  });
  function apply(text: string, m: Mut): string {
    const at = text.length === 0 ? 0 : m.at % text.length;
    switch (m.kind) {
      case 'del':
        return text.slice(0, at) + text.slice(at + m.len);
      case 'ins':
        return text.slice(0, at) + m.s + text.slice(at);
      case 'swap':
        return at + 1 < text.length ? text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2) : text;
      case 'rep':
        return text.slice(0, at) + m.s + text.slice(at + m.s.length);
      case 'cut':
        return text.slice(0, at);
      case 'dup':
        return text.slice(0, at) + text.slice(at, at + m.len * 4) + text.slice(at);
    }
  }
  const mutated = fc.tuple(poolIdx, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([i, ms]) => ms.reduce(apply, POOL[i]!));
  const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
  const header = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `K:PR|V:01|C:1|R:840000000095584510|${s}`);

  it('10^5 random and mutated strings raise nothing but AppError IPS_QR_INVALID naming a tag', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: mutated, weight: 6 }, { arbitrary: anyString, weight: 2 }, { arbitrary: header, weight: 2 }), (text) => {
        const qr = onlyAppError(text);
        if (qr !== null) {
          parsed++;
          // whatever parses, serialises back to text that parses to the same value
          expect(parseIpsQr(serializeIpsQr(qr))).toEqual(qr);
        }
      }),
      { numRuns: 100_000 },
    );
    // some mutations (e.g. a changed letter in a name) stay valid: the generator reaches both outcomes
    expect(parsed).toBeGreaterThan(0);
  });

  it('every valid code with a wrong R control is refused on R', () => {
    fc.assert(
      fc.property(poolIdx, fc.integer({ min: 0, max: 99 }), (i, c) => {
        const text = POOL[i]!;
        const r = text.indexOf('|R:') + 3;
        const acc = text.slice(r, r + 18);
        const wrong = String(c).padStart(2, '0');
        fc.pre(wrong !== acc.slice(16));
        const bad = text.slice(0, r + 16) + wrong + text.slice(r + 18);
        try {
          parseIpsQr(bad);
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).field).toBe('R');
          return;
        }
        throw new Error(`accepted ${bad}`);
      }),
      { numRuns: 5000 },
    );
  });

  it('long and pathological inputs are handled in linear time', () => {
    const inputs = [
      'K:PR|' + 'V:01|'.repeat(200_000),
      'K:' + 'P'.repeat(1_000_000),
      ':'.repeat(1_000_000),
      'K:PR' + '|'.repeat(1_000_000),
      `K:PR|V:01|C:1|R:840000000095584510|N:${'A'.repeat(1_000_000)}`,
      `K:PR|V:01|C:1|R:840000000095584510|N:A|I:RSD${'9'.repeat(1_000_000)},00`,
      'K:PR|V:01|C:1|R:840000000095584510|N:' + 'C\u030C'.repeat(300_000),
    ];
    const t0 = performance.now();
    for (const s of inputs) expect(onlyAppError(s)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('parses 10^5 valid codes quickly', () => {
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) parseIpsQr(POOL[i % POOL.length]!);
    // about 0.5 s on a laptop core; the bound only catches a pathological slowdown
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
