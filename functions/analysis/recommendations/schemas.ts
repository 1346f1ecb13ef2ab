import * as z from 'zod';
import { Ulid } from '../../shared/ids';
import { Money } from '../../shared/money';

export const RecommendationsParams = z.strictObject({ customerId: Ulid });

export const RecommendedProduct = z.strictObject({
  productId: Ulid,
  sku: z.string(),
  name: z.string(),
  score: z
    .number()
    .describe(
      'Sum, over the customer’s products bought with this one, of their co-occurrence (Jaccard: the share of the orders holding either that hold both); 0 for a popular product filling the list',
    ),
  because: z
    .array(Ulid)
    .describe(
      'The customer’s products that led to it, strongest first (at most 3); empty for a popular product',
    ),
});

export const OpenNeed = z.strictObject({
  needId: Ulid,
  title: z.string(),
  type: z.string().optional(),
  estimatedValue: Money.optional(),
  customerId: Ulid,
});

export const CustomerRecommendations = z.strictObject({
  runId: Ulid.nullable().describe('The analysis run the recommendations come from; null before any'),
  generatedAt: z.iso.datetime().nullable().describe('When that run finished'),
  products: z.array(RecommendedProduct).describe('At most 10, best first'),
  openNeeds: z
    .array(OpenNeed)
    .describe('Open needs of the customer’s segment that no order answered yet, by value (at most 20)'),
  segment: z.strictObject({ id: z.number().int(), label: z.string() }).nullable(),
  note: z.string().optional().describe('Why the lists are empty or come from popularity alone'),
});
export type CustomerRecommendations = z.infer<typeof CustomerRecommendations>;
