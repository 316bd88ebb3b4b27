/**
 * An IPS QR code the domain parser refused, in the clerk's words. The parser
 * (domain/ipsqr.ts) names the tag in `field` and the rule in an English
 * sentence; here the sentence is matched to a rule the three languages know,
 * and the tag to the slip field it would have filled, so that field can be
 * marked. A message no pattern knows still gives the tag and a general rule
 * (the English detail stays available as technical detail).
 */
import { IPS_TAGS, type IpsTag } from '../../domain/ipsqr.js';
import type { MessageKey } from '../i18n/messages.js';
import { said, type Said } from '../i18n/said.js';

/** The slip fields of the "Pay a bill" panel, in screen (and Enter) order. */
export const SLIP_FIELDS = ['account', 'payeeName', 'amount', 'paymentCode', 'model', 'reference', 'purpose', 'payerName', 'payerAddress', 'payerPlace'] as const;
export type SlipField = (typeof SLIP_FIELDS)[number];

/** Which slip field a tag fills; other tags have no field of their own (the scan field is marked). */
export const TAG_FIELD: Partial<Record<IpsTag, SlipField>> = {
  R: 'account',
  N: 'payeeName',
  I: 'amount',
  P: 'payerName',
  SF: 'paymentCode',
  S: 'purpose',
  RO: 'reference',
};

export interface QrRefusal {
  /** The tag the parser named (an unknown tag as it was written). */
  tag: string;
  /** The slip field to mark, or 'scan' when the tag fills none. */
  field: SlipField | 'scan';
  /** The whole sentence for the alert: "Payee account (R): the control digits should be 87, not 88." */
  sentence: Said;
  /** The rule alone, for the marked field. */
  rule: Said;
  /** The parser's own English words. */
  technical: string;
}

type Match = (m: RegExpExecArray, tag: string) => Said;
const plain = (key: MessageKey): Match => () => said(key);

/** Structural rules first (they can name any tag), then the value rules. */
const PATTERNS: [RegExp, Match][] = [
  [/must be text|is empty; it must start with K:|must not start with|must start with K:/, plain('qrRule.start')],
  [/Nothing may follow the last field/, plain('qrRule.trailing')],
  [/An empty field follows tag/, plain('qrRule.emptyField')],
  [/has no ":" between|has no tag before its ":"/, plain('qrRule.noColon')],
  [/^Unknown tag "([^"]*)"/, (m) => said('qrRule.unknownTag', { tag: m[1] ?? '' })],
  [/appears more than once/, plain('qrRule.twice')],
  [/is out of order/, plain('qrRule.order')],
  [/has no value/, plain('qrRule.empty')],
  [/is mandatory/, plain('qrRule.mandatory')],
  [/wrong control digits: for \d+ they should be (\d{2}), not (\d{2})/, (m) => said('qrRule.control', { expected: m[1]!, actual: m[2]! })],
  [/must be exactly 18 digits/, plain('qrRule.accountDigits')],
  [/Model 97 control digits for \S+ should be (\d{2}), not (\S{2})/, (m) => said('qrRule.refControl97', { expected: m[1]!, actual: m[2]! })],
  [/Model (\d{2}) check digit for \S+ should be (\d), not (\d)/, (m) => said('qrRule.refCheck', { model: m[1]!, expected: m[2]!, actual: m[3]! })],
  [/has at most (\d+) characters|A reference has at most (\d+) characters/, (m) => said('qrRule.tooLong', { max: m[1] ?? m[2] ?? '' })],
  [/contains (.+), which is not allowed/, (m) => said('qrRule.char', { char: m[1]! })],
  [/must be on one line/, plain('qrRule.oneLine')],
  [/must not have an empty line|must not end with a new line/, plain('qrRule.emptyLine')],
  [/must not be blank/, plain('qrRule.blank')],
  [/must be at least RSD0,01/, plain('qrRule.amountZero')],
  [/must start with the form of payment/, plain('qrRule.codeForm')],
];

/** When no sentence matched: the tag's own rule. */
const TAG_RULE: Partial<Record<IpsTag, MessageKey>> = {
  K: 'qrRule.kind',
  V: 'qrRule.version',
  C: 'qrRule.charset',
  R: 'qrRule.accountDigits',
  O: 'qrRule.accountDigits',
  I: 'qrRule.amount',
  SF: 'qrRule.codeDigits',
  M: 'qrRule.mcc',
  JS: 'qrRule.js',
  RO: 'qrRule.ro',
  RP: 'qrRule.rp',
};

const KNOWN_TAGS = new Set<string>(IPS_TAGS);

/** The rule for a parser message, or null when no pattern knows it. */
export function qrRuleOf(message: string, tag: string): Said | null {
  for (const [re, make] of PATTERNS) {
    const m = re.exec(message);
    if (m) return make(m, tag);
  }
  const own = KNOWN_TAGS.has(tag) ? TAG_RULE[tag as IpsTag] : undefined;
  return own ? said(own) : null;
}

export function describeQrRefusal(error: { field?: string | undefined; message: string }): QrRefusal {
  const tag = error.field ?? 'K';
  const rule = qrRuleOf(error.message, tag) ?? said('qrRule.other');
  const known = KNOWN_TAGS.has(tag);
  const sentence = known ? said('qr.error', { field: said(`qrTag.${tag}` as MessageKey), tag, rule }) : said('qr.errorCode', { rule });
  const field = known ? (TAG_FIELD[tag as IpsTag] ?? 'scan') : 'scan';
  return { tag, field, sentence, rule, technical: error.message };
}
