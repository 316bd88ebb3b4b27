/**
 * The item-kind registry. A service that sells something registers one kind:
 * how to price a basket line, what the receipt prints for it, its ledger
 * postings, and any rows of its own written in the checkout's transaction.
 * The counter core knows nothing else about any service.
 */
import type { ItemInput, ItemKindName } from '../../domain/items.js';
import type { Posting } from '../../db/ledger.js';
import { AppError } from '../../domain/errors.js';
import type { Store } from '../store.js';

export interface PricingContext {
  store: Store;
  /** The instant prices are taken at (checkout time). */
  at: string;
  clerkId: number;
}

export interface PricedLine {
  description: string;
  quantity: number;
  unitPricePara: number;
  /** What the line costs the customer before any fee (a bill's amount, a tariff times quantity). */
  amountPara: number;
  /** Counter fee on top of amountPara. */
  feePara: number;
  /** Facts printed on the receipt (payee, account, reference …), string to string. */
  details: Record<string, string>;
  warnings: { code: string; message: string }[];
  /** Stored with the line (receipt_items.data_json) and sent in the outbox event. */
  data: Record<string, unknown>;
  /**
   * The credit side of the line: postings summing to -(amountPara + feePara).
   * The core adds the debit (till cash, card clearing).
   */
  credits: Posting[];
}

export interface CommitContext extends PricingContext {
  receiptId: number;
  receiptNumber: string;
  lineNo: number;
}

export interface ItemKind<K extends ItemKindName = ItemKindName> {
  kind: K;
  /** Ledger service name used for the revenue account (postal_fee, bill_payment …). */
  service: string;
  price(ctx: PricingContext, input: Extract<ItemInput, { kind: K }>): PricedLine;
  /** Writes the kind's own rows (a telegram to transmit, an enrollment …) inside the checkout transaction. */
  onCommit?(ctx: CommitContext, input: Extract<ItemInput, { kind: K }>, line: PricedLine): void;
}

const registry = new Map<string, ItemKind>();

export function registerItemKind<K extends ItemKindName>(kind: ItemKind<K>): void {
  registry.set(kind.kind, kind as unknown as ItemKind);
}

export function itemKind(name: string): ItemKind {
  const k = registry.get(name);
  if (!k) throw new AppError('ITEM_KIND_UNKNOWN', `Nothing of kind "${name}" is sold at this counter`);
  return k;
}

export function registeredKinds(): string[] {
  return [...registry.keys()];
}
