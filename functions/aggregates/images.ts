import * as z from 'zod';

/**
 * What the aggregator reads of a need or an order item (the contract of issue 9: needs are
 * written by functions/needs, orders by functions/orders, live or imported), and nothing more:
 * other attributes may come and go without the aggregates noticing. An image that lacks what
 * the rules need counts nowhere — the same for its old and its new image, so nothing drifts.
 */
const Instant = z.string().refine((text) => Number.isFinite(Date.parse(text)), 'must be an ISO 8601 time');
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Amount = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
/** Money attributes are named after their currency (`m_EUR`): an ISO 4217 code and nothing else. */
const Currency = z.string().regex(/^[A-Z]{3}$/);
/** Group values go into sort keys; DynamoDB keys hold at most 1 KB, and nothing here needs more. */
const Group = z.string().min(1).max(200);

const Stamps = {
  tenantId: z.string().min(1).max(200),
  id: z.string().min(1).max(200),
  createdAt: Instant.optional(),
  updatedAt: Instant.optional(),
};

export const NeedImage = z.looseObject({
  ...Stamps,
  entity: z.literal('NEED'),
  type: Group.optional(),
  channel: Group,
  status: Group,
  receivedAt: Instant,
  estimatedValue: z.looseObject({ amountMinor: Amount, currency: Currency }).optional(),
});
export type NeedImage = z.infer<typeof NeedImage>;

export const OrderImage = z.looseObject({
  ...Stamps,
  entity: z.literal('ORDER'),
  status: Group,
  statusChangedAt: Instant.optional(),
  customerId: Group,
  customerCountry: Group.optional(),
  currency: Currency,
  lines: z.array(z.looseObject({ sku: Group, category: Group, quantity: Count, lineTotalMinor: Amount })),
  totals: z.looseObject({ totalMinor: Amount }),
  evaluation: z
    .looseObject({
      stageSeconds: z.record(z.string(), z.number().min(0)),
      cycleSeconds: z.number().min(0),
      onTime: z.boolean().nullable(),
      closedAt: Instant,
    })
    .optional(),
  feedback: z.looseObject({ rating: z.number().int().min(1).max(5) }).optional(),
});
export type OrderImage = z.infer<typeof OrderImage>;

export type Image = NeedImage | OrderImage;

/** The image as the aggregator reads it, or a reason why it counts nowhere. */
export function readImage(item: Record<string, unknown> | undefined): { image?: Image; unreadable?: string } {
  if (!item) return {};
  const schema = item.entity === 'NEED' ? NeedImage : item.entity === 'ORDER' ? OrderImage : undefined;
  if (!schema) return { unreadable: `entity ${String(item.entity).slice(0, 40)} is not aggregated` };
  const parsed = schema.safeParse(item);
  if (parsed.success) return { image: parsed.data };
  const issue = parsed.error.issues[0];
  return { unreadable: `${issue?.path.join('.') || 'item'}: ${issue?.message ?? 'unreadable'}` };
}
