/**
 * Item kinds' input schemas. Each service that sells something defines the
 * schema of one basket line here (pure, shared with the renderer) and
 * registers its pricing and postings in services/kinds. Adding a kind adds
 * one schema to ITEM_INPUT_SCHEMAS; nothing else in the core changes.
 */
import { z } from 'zod';

export const postalFeeItemInput = z
  .object({
    kind: z.literal('postal_fee'),
    tariffCode: z.string().regex(/^[A-Z0-9_]{1,32}$/, 'tariff code: capital letters, digits and _'),
    quantity: z.number().int().min(1).max(999),
  })
  .strict();

export type PostalFeeItemInput = z.infer<typeof postalFeeItemInput>;

const line = (max: number) => z.string().max(max).refine((v) => !/[\r\n|]/.test(v), 'one line, without |');

/**
 * One bill paid at the counter (a payment slip, "nalog za uplatu"). Account,
 * reference and payment code are checked by the bill-payment kind with the
 * rules of domain/account.ts, reference.ts and paymentCode.ts, so that the
 * error names the rule; the schema only bounds the shape.
 */
export const billPaymentItemInput = z
  .object({
    kind: z.literal('bill_payment'),
    payer: z
      .object({
        name: line(70).refine((v) => v.trim().length > 0, 'the payer name is required'),
        address: line(70).default(''),
        place: line(70).default(''),
      })
      .strict(),
    payee: z.object({ name: line(70).refine((v) => v.trim().length > 0, 'the payee name is required'), account: z.string().max(40) }).strict(),
    purpose: line(35).default(''),
    paymentCode: z.string().max(3),
    model: z.string().max(2).default(''),
    reference: z.string().max(35).default(''),
    amountPara: z.number().int().min(1).max(99_999_999_999_999),
    /** The clerk saw the reference warning (unknown model) and accepted it. */
    acceptWarnings: z.boolean().default(false),
    source: z.enum(['scan', 'manual', 'camera']).default('manual'),
  })
  .strict();

export type BillPaymentItemInput = z.infer<typeof billPaymentItemInput>;

/** Every registered kind's line schema, discriminated by `kind`. */
export const ITEM_INPUT_SCHEMAS = [postalFeeItemInput, billPaymentItemInput] as const;

export const itemInput = z.discriminatedUnion('kind', ITEM_INPUT_SCHEMAS);

export type ItemInput = z.infer<typeof itemInput>;

export type ItemKindName = ItemInput['kind'];
