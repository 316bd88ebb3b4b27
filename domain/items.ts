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

/** Every registered kind's line schema, discriminated by `kind`. */
export const ITEM_INPUT_SCHEMAS = [postalFeeItemInput] as const;

export const itemInput = z.discriminatedUnion('kind', ITEM_INPUT_SCHEMAS);

export type ItemInput = z.infer<typeof itemInput>;

export type ItemKindName = ItemInput['kind'];
