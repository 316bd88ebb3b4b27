/**
 * NBS IPS QR code text: parser and serializer.
 *
 * Source: NBS decision on general rules for instant credit transfers (Official Gazette RS
 * 65/2018 and amendments), annex 1, and the NBS recommendation pages (see DOMAIN.md).
 *
 * Rules enforced by parseIpsQr (every failure is AppError('IPS_QR_INVALID') whose `field`
 * is the tag concerned and whose message names the tag and the rule):
 * - `TAG:value` fields joined by `|`; the text starts with `K:` (no blank, empty line or `|`
 *   before it) and nothing follows the last value (no `|`, blank or new line);
 * - tags only from K V C R N I O P SF S M JS RO RL RP, each at most once, in that order;
 * - an optional tag is either absent or has a value: `|S:|` is invalid;
 * - per-tag rules (see the validators below): K ∈ {PR, PT, PK, EK}; V = 01; C = 1;
 *   R and O 18 digits with valid MOD 97-10 control digits (account.ts; O is checked too,
 *   since every Serbian account carries the same control); N 1–70 and P 1–70 characters,
 *   several lines allowed; S 1–35 and RL 1–140 characters on one line; SF 3 digits with a
 *   form digit of 1, 2, 3 or 9; M 4 digits; JS 1–10 digits; RO two model digits then 1–33
 *   digits or letters, the reference checked by reference.ts (a failing check of a known
 *   model is an error, an unknown model is accepted); RP 19 characters: terminal id
 *   (8 letters or digits), year (2 digits), day of the year (001–366), transaction number
 *   (6 digits);
 * - I: `RSD` + 1–12 digits + `,` + 0–2 decimals, converted to integer para; at least
 *   RSD0,01, except that a printed bill (PR) may carry RSD0,00;
 * - free text (N, P, S, RL): Serbian Latin letters (A–Z, a–z and Č Ć Ž Š Đ), Serbian
 *   Cyrillic letters, digits, blank and the NBS special characters
 *   ! ( / @ } ) : [ ~ # * ; ] $ + < ^ % , = _ " & - > ` \ . ? { '
 *   (the NBS table shows a backtick where DOMAIN.md shows a backslash; both are accepted);
 *   not blank only; in N and P lines are separated by "\n" ("\r\n" is accepted and turned
 *   into "\n"); a line may not be empty. Decomposed letters (C + combining caron) are
 *   composed (NFC) first.
 *
 * Mandatory tags (DOMAIN.md: "K, V, C, R; a printed bill (PR) also needs N, I and SF"):
 * - every kind: K, V, C, R;
 * - PR: also N, I and SF;
 * - PT, PK, EK: nothing beyond K, V, C, R. DOMAIN.md names no further mandatory tag for
 *   the point-of-sale and e-commerce kinds, so none is invented here; the only difference
 *   is that their amount, when present, must be at least RSD0,01.
 */
import { AppError } from './errors.js';
import { accountControl } from './account.js';
import { checkReference } from './reference.js';
import { PAYMENT_FORMS } from './paymentCode.js';

export type IpsQrKind = 'PR' | 'PT' | 'PK' | 'EK';

export interface IpsQr {
  kind: IpsQrKind;
  version: '01';
  charset: '1';
  /** R: 18 digits. */
  payeeAccount: string;
  /** N: name, then optionally the address on further lines ("\n"). */
  payeeName?: string;
  /** I: amount in para (present together with currency). */
  amountPara?: number;
  currency?: 'RSD';
  /** O: 18 digits. */
  payerAccount?: string;
  /** P: name, address, place, one per line ("\n"). */
  payer?: string;
  /** SF: 3 digits. */
  paymentCode?: string;
  /** S */
  purpose?: string;
  /** M: 4 digits. */
  mcc?: string;
  /** JS */
  payerCode?: string;
  /** RO as written: model (2 digits) + reference, e.g. 97163220000111111111000. */
  reference?: string;
  /** RL */
  payeeReference?: string;
  /** RP */
  posReference?: string;
}

export const IPS_TAGS = ['K', 'V', 'C', 'R', 'N', 'I', 'O', 'P', 'SF', 'S', 'M', 'JS', 'RO', 'RL', 'RP'] as const;
export type IpsTag = (typeof IPS_TAGS)[number];

const TAG_NAMES: Record<IpsTag, string> = {
  K: 'code kind',
  V: 'version',
  C: 'character set',
  R: 'payee account',
  N: 'payee name',
  I: 'currency and amount',
  O: 'payer account',
  P: 'payer name and address',
  SF: 'payment code',
  S: 'purpose',
  M: 'merchant category code',
  JS: 'payer one-time code',
  RO: 'model and reference',
  RL: 'payee reference',
  RP: 'POS transaction reference',
};

const TAG_INDEX = new Map<string, number>(IPS_TAGS.map((t, i) => [t, i]));

/** Largest amount: RSD999999999999,99. */
export const IPS_MAX_AMOUNT_PARA = 99_999_999_999_999;

// ---------------------------------------------------------------------------------------
// character classes

/** 1 where a UTF-16 code unit is allowed in free text (newline handled separately). */
const TEXT_CHAR = (() => {
  const t = new Uint8Array(0x10000);
  const range = (a: number, b: number) => {
    for (let c = a; c <= b; c++) t[c] = 1;
  };
  range(0x30, 0x39); // 0-9
  range(0x41, 0x5a); // A-Z
  range(0x61, 0x7a); // a-z
  t[0x20] = 1; // blank
  for (const ch of '!(/@})[:~#*;]$+<^%,=_"&->`\\.?{\'') t[ch.charCodeAt(0)] = 1;
  for (const ch of 'ČčĆćŽžŠšĐđ') t[ch.charCodeAt(0)] = 1;
  // Serbian Cyrillic: А–И, К–Ш (without Й and Щ–Я), the lower case, and Ђ Ј Љ Њ Ћ Џ.
  range(0x0410, 0x0418);
  range(0x041a, 0x0428);
  range(0x0430, 0x0438);
  range(0x043a, 0x0448);
  for (const c of [0x0402, 0x0408, 0x0409, 0x040a, 0x040b, 0x040f, 0x0452, 0x0458, 0x0459, 0x045a, 0x045b, 0x045f]) t[c] = 1;
  return t;
})();

const COMBINING = /[\u0300-\u036f]/;

function isBlankUnit(c: number): boolean {
  // blank, tab, new line, carriage return, vertical tab, form feed, no-break space, BOM, other spaces
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200b) || c === 0x3000;
}

function hex(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeChar(c: number): string {
  if (c === 0x0a) return 'a new line';
  if (c === 0x0d) return 'a carriage return';
  if (c === 0x09) return 'a tab';
  if (c === 0x7c) return '"|"';
  if (c > 0x20 && c < 0x7f) return `"${String.fromCharCode(c)}"`;
  if (c >= 0xd800 && c <= 0xdfff) return `the character at ${hex(c)}`;
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return `the control character ${hex(c)}`;
  return `"${String.fromCharCode(c)}" (${hex(c)})`;
}

function fail(field: string, message: string): never {
  throw new AppError('IPS_QR_INVALID', message, { field });
}

function label(tag: IpsTag): string {
  return `Tag ${tag} (${TAG_NAMES[tag]})`;
}

function isDigitRun(v: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

// ---------------------------------------------------------------------------------------
// value validators

function freeText(tag: IpsTag, raw: string, max: number, multiline: boolean): string {
  let v = raw;
  if (multiline && v.indexOf('\r') !== -1) v = v.replace(/\r\n/g, '\n');
  if (v.length > max) fail(tag, `${label(tag)} has at most ${max} characters, not ${v.length}`);
  let nonBlank = false;
  let lineStart = true;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x0a) {
      if (!multiline) fail(tag, `${label(tag)} must be on one line: a new line is allowed only in tags N and P`);
      if (lineStart) fail(tag, `${label(tag)} must not have an empty line`);
      lineStart = true;
      continue;
    }
    if (TEXT_CHAR[c] !== 1) {
      fail(
        tag,
        `${label(tag)} contains ${describeChar(c)}, which is not allowed: only Serbian Latin and Cyrillic letters, digits, blanks and the NBS special characters`,
      );
    }
    lineStart = false;
    if (c !== 0x20) nonBlank = true;
  }
  if (lineStart) fail(tag, `${label(tag)} must not end with a new line`);
  if (!nonBlank) fail(tag, `${label(tag)} must not be blank`);
  return v;
}

function account(tag: 'R' | 'O', v: string): string {
  if (v.length !== 18 || !isDigitRun(v, 0, 18)) fail(tag, `${label(tag)} must be exactly 18 digits, without dashes or blanks`);
  const expected = accountControl(v.slice(0, 16));
  if (expected !== v.slice(16)) {
    fail(tag, `${label(tag)} has wrong control digits: for ${v.slice(0, 16)} they should be ${expected}, not ${v.slice(16)}`);
  }
  return v;
}

function amount(v: string, kind: IpsQrKind): number {
  const bad = (why: string): never =>
    fail('I', `${label('I')} ${why}; the form is RSD, the whole amount, a decimal comma and up to 2 decimals, e.g. RSD1025,12 or RSD1025,`);
  if (v.charCodeAt(0) !== 82 || v.charCodeAt(1) !== 83 || v.charCodeAt(2) !== 68) bad('must start with RSD');
  let i = 3;
  let whole = 0;
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) break;
    whole = whole * 10 + (c - 48);
    i++;
    if (i - 3 > 12) bad('has more than 12 digits before the comma (the most is RSD999999999999,99)');
  }
  if (i === 3) bad('needs at least one digit before the comma (RSD0,01, not RSD,01)');
  if (i >= v.length || v.charCodeAt(i) !== 44) bad('needs a decimal comma after the whole amount and no thousands separator');
  i++;
  let frac = 0;
  let decimals = 0;
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) bad('has something other than digits after the comma');
    if (decimals === 2) bad('has more than 2 decimals');
    frac = frac * 10 + (c - 48);
    decimals++;
    i++;
  }
  if (decimals === 1) frac *= 10;
  const para = whole * 100 + frac;
  if (para === 0 && kind !== 'PR') fail('I', `${label('I')} must be at least RSD0,01; only a printed bill (K:PR) may carry RSD0,00`);
  return para;
}

function digits(tag: IpsTag, v: string, min: number, max: number, what: string): string {
  if (v.length < min || v.length > max || !isDigitRun(v, 0, v.length)) fail(tag, `${label(tag)} must be ${what}`);
  return v;
}

function paymentCode(v: string): string {
  digits('SF', v, 3, 3, 'exactly 3 digits');
  if (PAYMENT_FORMS[v.charAt(0)] === undefined) {
    fail('SF', `${label('SF')} must start with the form of payment: 1 cash, 2 non-cash, 3 clearing or 9 re-posting`);
  }
  return v;
}

function referenceRo(v: string): string {
  if (v.length > 35) fail('RO', `${label('RO')} has at most 35 characters, not ${v.length}`);
  if (v.length < 3 || !isDigitRun(v, 0, 2)) {
    fail('RO', `${label('RO')} must be the two digits of the model (00 when there is none) followed by the reference`);
  }
  for (let i = 2; i < v.length; i++) {
    if (!isAlnum(v.charCodeAt(i))) fail('RO', `${label('RO')} may contain only digits and letters, without dashes or blanks`);
  }
  const check = checkReference(v.slice(0, 2), v.slice(2));
  if (check.status === 'error') fail('RO', `${label('RO')}: ${check.message}`);
  return v;
}

function posReference(v: string): string {
  const rule = 'must be 19 characters: terminal id (8 letters or digits), year (2 digits), day of the year (001–366), transaction number (6 digits)';
  if (v.length !== 19) fail('RP', `${label('RP')} ${rule}`);
  for (let i = 0; i < 8; i++) if (!isAlnum(v.charCodeAt(i))) fail('RP', `${label('RP')} ${rule}`);
  if (!isDigitRun(v, 8, 19)) fail('RP', `${label('RP')} ${rule}`);
  const day = (v.charCodeAt(10) - 48) * 100 + (v.charCodeAt(11) - 48) * 10 + (v.charCodeAt(12) - 48);
  if (day < 1 || day > 366) fail('RP', `${label('RP')} ${rule}`);
  return v;
}

// ---------------------------------------------------------------------------------------
// parser

const BIT_N = 1 << 4;
const BIT_I = 1 << 5;
const BIT_SF = 1 << 8;

function shortTag(tag: string): string {
  return tag.length > 8 ? `${tag.slice(0, 8)}…` : tag;
}

/** Parses IPS QR text. Throws only AppError('IPS_QR_INVALID') (field = tag) for any input. */
export function parseIpsQr(text: string): IpsQr {
  if (typeof text !== 'string') fail('K', 'The IPS QR content must be text');
  if (text.length === 0) fail('K', 'The IPS QR text is empty; it must start with K:');
  const c0 = text.charCodeAt(0);
  if (c0 === 0x7c) fail('K', 'The IPS QR text must not start with "|"; it must start with K:');
  if (isBlankUnit(c0)) fail('K', 'The IPS QR text must not start with a blank or an empty line; it must start with K:');
  let s = text;
  if (COMBINING.test(s)) s = s.normalize('NFC');

  let kind: IpsQrKind = 'PR';
  let payeeAccount = '';
  let payeeName: string | undefined;
  let amountPara: number | undefined;
  let payerAccount: string | undefined;
  let payer: string | undefined;
  let sf: string | undefined;
  let purpose: string | undefined;
  let mcc: string | undefined;
  let payerCode: string | undefined;
  let reference: string | undefined;
  let payeeReference: string | undefined;
  let pos: string | undefined;

  let seen = 0;
  let lastIdx = -1;
  let lastTag: IpsTag = 'K';
  let at = 0;
  const n = s.length;
  for (;;) {
    const bar = s.indexOf('|', at);
    const end = bar === -1 ? n : bar;
    if (end === at) {
      if (bar === -1) fail(lastTag, `Nothing may follow the last field (${lastTag}): remove the "|" at the end`);
      fail(lastTag, `An empty field follows tag ${lastTag}: fields are separated by a single "|"`);
    }
    const colon = s.indexOf(':', at);
    if (colon === -1 || colon > end) {
      const seg = s.slice(at, Math.min(end, at + 8));
      fail(lastIdx < 0 ? 'K' : shortTag(seg), `The field "${shortTag(seg)}" has no ":" between its tag and its value`);
    }
    const tagText = s.slice(at, colon);
    const idx = TAG_INDEX.get(tagText);
    if (idx === undefined) {
      if (lastIdx < 0) fail('K', `The IPS QR text must start with K:, not "${shortTag(tagText)}:"`);
      fail(
        tagText.length > 0 ? shortTag(tagText) : lastTag,
        tagText.length > 0
          ? `Unknown tag "${shortTag(tagText)}": the tags are K V C R N I O P SF S M JS RO RL RP`
          : `A field after tag ${lastTag} has no tag before its ":"`,
      );
    }
    const tag = IPS_TAGS[idx]!;
    if (lastIdx < 0 && idx !== 0) fail('K', `The IPS QR text must start with K: (code kind), not with ${tag}:`);
    if ((seen & (1 << idx)) !== 0) fail(tag, `${label(tag)} appears more than once`);
    if (idx < lastIdx) fail(tag, `${label(tag)} is out of order: it must come before ${lastTag}; the order is K V C R N I O P SF S M JS RO RL RP`);
    seen |= 1 << idx;
    lastIdx = idx;
    lastTag = tag;
    const v = s.slice(colon + 1, end);
    if (v.length === 0) fail(tag, `${label(tag)} has no value: an optional tag without a value must be left out entirely`);
    if (bar === -1 && isBlankUnit(v.charCodeAt(v.length - 1))) {
      fail(tag, `Nothing may follow the last field (${tag}): no blank or new line at the end`);
    }
    switch (tag) {
      case 'K':
        if (v !== 'PR' && v !== 'PT' && v !== 'PK' && v !== 'EK') fail('K', `${label('K')} must be PR, PT, PK or EK`);
        kind = v;
        break;
      case 'V':
        if (v !== '01') fail('V', `${label('V')} must be 01`);
        break;
      case 'C':
        if (v !== '1') fail('C', `${label('C')} must be 1 (UTF-8)`);
        break;
      case 'R':
        payeeAccount = account('R', v);
        break;
      case 'N':
        payeeName = freeText('N', v, 70, true);
        break;
      case 'I':
        amountPara = amount(v, kind);
        break;
      case 'O':
        payerAccount = account('O', v);
        break;
      case 'P':
        payer = freeText('P', v, 70, true);
        break;
      case 'SF':
        sf = paymentCode(v);
        break;
      case 'S':
        purpose = freeText('S', v, 35, false);
        break;
      case 'M':
        mcc = digits('M', v, 4, 4, 'exactly 4 digits');
        break;
      case 'JS':
        payerCode = digits('JS', v, 1, 10, '1 to 10 digits');
        break;
      case 'RO':
        reference = referenceRo(v);
        break;
      case 'RL':
        payeeReference = freeText('RL', v, 140, false);
        break;
      case 'RP':
        pos = posReference(v);
        break;
    }
    if (bar === -1) break;
    at = bar + 1;
  }

  for (let i = 1; i <= 3; i++) {
    if ((seen & (1 << i)) === 0) fail(IPS_TAGS[i]!, `${label(IPS_TAGS[i]!)} is mandatory`);
  }
  if (kind === 'PR') {
    if ((seen & BIT_N) === 0) fail('N', `${label('N')} is mandatory on a printed bill (K:PR)`);
    if ((seen & BIT_I) === 0) fail('I', `${label('I')} is mandatory on a printed bill (K:PR)`);
    if ((seen & BIT_SF) === 0) fail('SF', `${label('SF')} is mandatory on a printed bill (K:PR)`);
  }

  const qr: IpsQr = { kind, version: '01', charset: '1', payeeAccount };
  if (payeeName !== undefined) qr.payeeName = payeeName;
  if (amountPara !== undefined) {
    qr.amountPara = amountPara;
    qr.currency = 'RSD';
  }
  if (payerAccount !== undefined) qr.payerAccount = payerAccount;
  if (payer !== undefined) qr.payer = payer;
  if (sf !== undefined) qr.paymentCode = sf;
  if (purpose !== undefined) qr.purpose = purpose;
  if (mcc !== undefined) qr.mcc = mcc;
  if (payerCode !== undefined) qr.payerCode = payerCode;
  if (reference !== undefined) qr.reference = reference;
  if (payeeReference !== undefined) qr.payeeReference = payeeReference;
  if (pos !== undefined) qr.posReference = pos;
  return qr;
}

/** Non-throwing variant for UI code. */
export function tryParseIpsQr(text: string): { ok: true; value: IpsQr } | { ok: false; error: AppError } {
  try {
    return { ok: true, value: parseIpsQr(text) };
  } catch (e) {
    if (e instanceof AppError) return { ok: false, error: e };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// serializer

/** `RSD1025,12` for 102512 para. */
export function formatIpsAmount(para: number): string {
  if (!Number.isSafeInteger(para) || para < 0 || para > IPS_MAX_AMOUNT_PARA) {
    fail('I', `${label('I')} must be a whole number of para from 0 to ${IPS_MAX_AMOUNT_PARA}`);
  }
  const frac = para % 100;
  return `RSD${Math.trunc(para / 100)},${frac < 10 ? '0' : ''}${frac}`;
}

/**
 * Writes an IpsQr as IPS QR text in the regulation's tag order, leaving absent optional
 * tags out, and checks the result with parseIpsQr (so it throws IPS_QR_INVALID naming the
 * tag rather than ever producing an invalid code). Lines in N and P are joined with "\n".
 */
export function serializeIpsQr(qr: IpsQr): string {
  if (qr === null || typeof qr !== 'object') fail('K', 'An IPS QR must be an object');
  const parts: string[] = [];
  const put = (tag: IpsTag, value: unknown, mandatory: boolean, multiline = false): void => {
    if (value === undefined) {
      if (mandatory) fail(tag, `${label(tag)} is mandatory`);
      return;
    }
    if (typeof value !== 'string') fail(tag, `${label(tag)} must be text`);
    let v = value;
    if (multiline && v.indexOf('\r') !== -1) v = v.replace(/\r\n/g, '\n');
    if (COMBINING.test(v)) v = v.normalize('NFC');
    if (v.indexOf('|') !== -1) fail(tag, `${label(tag)} must not contain "|", which separates fields`);
    parts.push(`${tag}:${v}`);
  };
  put('K', qr.kind, true);
  put('V', qr.version, true);
  put('C', qr.charset, true);
  put('R', qr.payeeAccount, true);
  put('N', qr.payeeName, false, true);
  if (qr.amountPara !== undefined) {
    if (qr.currency !== undefined && qr.currency !== 'RSD') fail('I', `${label('I')} currency must be RSD`);
    parts.push(`I:${formatIpsAmount(qr.amountPara)}`);
  } else if (qr.currency !== undefined) {
    fail('I', `${label('I')} has a currency but no amount`);
  }
  put('O', qr.payerAccount, false);
  put('P', qr.payer, false, true);
  put('SF', qr.paymentCode, false);
  put('S', qr.purpose, false);
  put('M', qr.mcc, false);
  put('JS', qr.payerCode, false);
  put('RO', qr.reference, false);
  put('RL', qr.payeeReference, false);
  put('RP', qr.posReference, false);
  const text = parts.join('|');
  parseIpsQr(text);
  return text;
}
