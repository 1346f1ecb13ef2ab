import * as z from 'zod';
import { Ulid } from '../shared/ids';
import { Money } from '../shared/money';
import { pageOf, Timestamps } from '../shared/schemas';
import { freeText, singleLineText } from '../shared/text';

/**
 * Stock counts stay far below `Number.MAX_SAFE_INTEGER`, so that no sum of counts and deltas
 * can become a number JavaScript cannot read back exactly.
 */
export const MAX_ON_HAND = 1_000_000_000_000;
export const MAX_STOCK_DELTA = 1_000_000_000;

const count = z.number().int('must be an integer').min(0).max(MAX_ON_HAND);

const fields = {
  sku: z
    .string()
    .regex(
      /^[A-Z0-9][A-Z0-9._-]{0,63}$/,
      'must be 1 to 64 upper-case letters, digits, dots, underscores or hyphens, starting with a letter or digit',
    )
    .describe('Stock keeping unit: unique per tenant, never changes'),
  name: singleLineText(1, 200),
  description: freeText(0, 2000),
  category: singleLineText(1, 100).describe('Approval rules can match on it'),
  unitPrice: Money.describe('Price of one unit, before discounts'),
  active: z.boolean().describe('Inactive products stay readable but cannot be ordered'),
};

export const ProductCreate = z.strictObject({
  sku: fields.sku,
  name: fields.name,
  description: fields.description.optional(),
  category: fields.category,
  unitPrice: fields.unitPrice,
  active: fields.active.default(true),
  stock: z
    .strictObject({ onHand: count.describe('Units in the warehouse when the product is created') })
    .default({ onHand: 0 }),
});
export type ProductCreate = z.infer<typeof ProductCreate>;

/** JSON merge patch over the catalogue fields. The SKU never changes; stock moves by adjustments only. */
export const ProductPatch = z
  .strictObject({
    name: fields.name.optional(),
    description: fields.description.nullable().optional(),
    category: fields.category.optional(),
    unitPrice: fields.unitPrice.optional(),
    active: fields.active.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');
export type ProductPatch = z.infer<typeof ProductPatch>;

export const Stock = z.strictObject({
  onHand: count.describe('Units in the warehouse'),
  reserved: count.describe('Units held for orders that are not shipped yet'),
  available: count.describe('onHand − reserved: what new orders can still take'),
});
export type Stock = z.infer<typeof Stock>;

export const Product = z.strictObject({
  id: Ulid,
  sku: fields.sku,
  name: fields.name,
  description: fields.description.optional(),
  category: fields.category,
  unitPrice: fields.unitPrice,
  active: fields.active,
  stock: Stock,
  ...Timestamps,
});
export type Product = z.infer<typeof Product>;

export const ProductPage = pageOf(Product);

export const ProductIdParams = z.strictObject({ productId: Ulid });

export const STOCK_ADJUSTMENT_REASONS = [
  'receipt',
  'count',
  'damage',
  'return',
  'correction',
  'sale',
] as const;

export const StockAdjustment = z.strictObject({
  delta: z
    .number()
    .int('must be an integer')
    .min(-MAX_STOCK_DELTA)
    .max(MAX_STOCK_DELTA)
    .refine((delta) => delta !== 0, 'must not be zero')
    .describe('Units to add (positive) or remove (negative)'),
  reason: z.enum(STOCK_ADJUSTMENT_REASONS),
  note: freeText(0, 500).optional(),
});
export type StockAdjustment = z.infer<typeof StockAdjustment>;
