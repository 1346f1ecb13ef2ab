import * as z from 'zod';
import { Address, StoredAddress } from '../customers/schemas';
import { ROLES } from '../shared/auth/roles';
import { Ulid } from '../shared/ids';
import { CurrencyCode, Money } from '../shared/money';
import { ListQuery, pageOf } from '../shared/schemas';
import { freeText, singleLineText } from '../shared/text';
import { CANCELLATION_CODES, ORDER_STATUSES } from './status';

/**
 * A transaction holds at most 100 items: reserving or shipping an order writes the order, its
 * timeline event and one item per line.
 */
export const MAX_LINES = 98;

export const OrderStatusSchema = z.enum(ORDER_STATUSES);

export const Sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9._-]{0,63}$/, 'must be a SKU: upper-case letters, digits, . _ -');

export const OrderLineInput = z.strictObject({
  sku: Sku,
  quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000),
  discountBps: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .describe('Discount in basis points: 1500 is 15%'),
});

/** The client's own reference for the order (its shop or ERP order id): unique per tenant. */
export const ExternalRef = singleLineText(1, 100).describe(
  'Your own reference for this order (shop or ERP order id); unique per tenant, so a second create with it is refused with 409',
);

/** Order numbers as the system formats them: SO-<year>-<6-digit sequence>. */
export const ORDER_NUMBER_PATTERN = /^SO-\d{4}-\d{6,}$/;

export const OrderCreate = z.strictObject({
  customerId: Ulid,
  currency: CurrencyCode,
  lines: z.array(OrderLineInput).min(1, 'an order needs at least one line').max(MAX_LINES),
  promisedDeliveryDate: z.iso.date().optional().describe('YYYY-MM-DD, the date promised to the customer'),
  needIds: z.array(Ulid).max(20).optional().describe('Customer needs this order answers'),
  externalRef: ExternalRef.optional(),
  shipTo: Address.optional().describe(
    'Where to deliver, when not the customer’s address labelled `shipping` (else its primary address)',
  ),
});
export type OrderCreate = z.infer<typeof OrderCreate>;

/** The address an order is delivered to, as stored: the country is its ISO 3166-1 alpha-2 code. */
export type ShipTo = z.infer<typeof StoredAddress>;

export const OrderLine = z.strictObject({
  lineNo: z.number().int(),
  sku: z.string(),
  productId: Ulid,
  name: z.string(),
  category: z.string(),
  quantity: z.number().int(),
  unitPriceMinor: z.number().int(),
  discountBps: z.number().int(),
  discountMinor: z.number().int(),
  lineTotalMinor: z.number().int().describe('quantity × unit price − discount, in minor units'),
  listPriceMinor: z
    .number()
    .int()
    .optional()
    .describe(
      'The price approval rules judge this line by: the highest price the product had in the 24 hours before the order (the unit price, unless it was cut since). Absent on orders created before it was recorded',
    ),
  termsChangedAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe(
      'When the product’s price, category or availability last changed, if within 30 days before the order',
    ),
  termsChangedBy: z.string().optional().describe('Who made that change (with termsChangedAt)'),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Totals = z.strictObject({
  subtotalMinor: z.number().int(),
  discountMinor: z.number().int(),
  totalMinor: z.number().int(),
});
export type Totals = z.infer<typeof Totals>;

export const Actor = z.strictObject({
  type: z.enum(['user', 'system', 'partner']),
  id: z.string(),
});
export type Actor = z.infer<typeof Actor>;

const Role = z.enum(ROLES);

export const CreditOverride = z
  .strictObject({
    reason: z.string(),
    by: z.string(),
    at: z.iso.datetime(),
    needed: z
      .boolean()
      .describe(
        'true: the approval took the open balance past the credit limit; false: the order fitted (or this level added nothing to the balance), so nothing was overridden',
      ),
    creditLimit: Money.optional().describe(
      'The limit the approval went past (absent: the customer has none)',
    ),
    openBalance: Money.optional().describe('The open balance before this order, as the approval found it'),
    orderTotal: Money.optional(),
  })
  .describe('An approver’s explicit approval past the customer’s credit limit');
export type CreditOverride = z.infer<typeof CreditOverride>;

export const ApprovalLevel = z.strictObject({
  level: z.number().int().min(1),
  role: Role.describe('Who may decide now (changes when the level escalates)'),
  approverUserId: z.string().optional(),
  slaSeconds: z.number().int(),
  escalateTo: Role,
  status: z.enum(['waiting', 'pending', 'approved', 'rejected']),
  requestedAt: z.iso.datetime().optional(),
  dueAt: z.iso.datetime().optional(),
  decidedBy: z.string().optional(),
  decidedAt: z.iso.datetime().optional(),
  comment: z.string().optional(),
  creditOverride: CreditOverride.optional(),
  escalations: z.array(z.strictObject({ at: z.iso.datetime(), fromRole: Role, toRole: Role })),
});
export type ApprovalLevel = z.infer<typeof ApprovalLevel>;

export const Reservation = z.strictObject({ sku: z.string(), productId: Ulid, quantity: z.number().int() });
export type Reservation = z.infer<typeof Reservation>;

export const Shipment = z.strictObject({
  carrier: z.string(),
  trackingNumber: z.string(),
  shippedAt: z.iso.datetime(),
  reportedBy: z.string(),
});

export const Cancellation = z.strictObject({
  code: z.enum(CANCELLATION_CODES),
  reason: z.string(),
  by: Actor,
  at: z.iso.datetime(),
});
export type Cancellation = z.infer<typeof Cancellation>;

export const Evaluation = z.strictObject({
  stageSeconds: z.record(z.string(), z.number()).describe('Seconds spent in each status, in lifecycle order'),
  cycleSeconds: z.number().describe('From submission to delivery'),
  onTime: z
    .boolean()
    .nullable()
    .describe('Delivered on or before the promised date; null when none was promised'),
  approvalSlaMet: z
    .boolean()
    .nullable()
    .describe('Every approval level decided within its SLA; null when none was needed'),
  escalations: z.number().int(),
  closedAt: z.iso.datetime(),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const Feedback = z.strictObject({
  rating: z.number().int().min(1).max(5),
  comment: freeText(0, 2000).optional(),
});
export type Feedback = z.infer<typeof Feedback>;

export const Order = z.strictObject({
  id: Ulid,
  number: z.string().describe('Human order number per tenant, e.g. SO-2026-000123'),
  customerId: Ulid,
  currency: CurrencyCode,
  lines: z.array(OrderLine),
  totals: Totals,
  total: Money,
  promisedDeliveryDate: z.iso.date().optional(),
  needIds: z.array(Ulid).optional(),
  externalRef: z.string().optional(),
  status: OrderStatusSchema,
  statusChangedAt: z.iso.datetime(),
  createdBy: z.string(),
  approval: z
    .strictObject({
      decision: z.looseObject({ outcome: z.string(), ruleId: z.string() }).optional(),
      levels: z.array(ApprovalLevel),
    })
    .optional(),
  reservations: z.array(Reservation).optional(),
  partnerId: z
    .string()
    .optional()
    .describe(
      'The fulfilment partner serving the order, assigned when fulfilment is requested (GET /v1/settings/fulfilment-partners); absent before, when the tenant’s default partner answers for it',
    ),
  shipments: z.array(Shipment).optional(),
  deliveredAt: z.iso.datetime().optional(),
  cancelRequest: z
    .strictObject({ reason: z.string(), by: z.string(), at: z.iso.datetime() })
    .optional()
    .describe('A cancel was asked for; the workflow is compensating (status becomes CANCELLED)'),
  fulfilmentFailure: z
    .strictObject({ reason: z.string(), by: z.string(), at: z.iso.datetime() })
    .optional()
    .describe('The partner reported it cannot fulfil; the workflow is compensating'),
  cancellation: Cancellation.optional(),
  rejection: z
    .strictObject({ by: z.string(), at: z.iso.datetime(), comment: z.string(), level: z.number() })
    .optional(),
  evaluation: Evaluation.optional(),
  feedback: Feedback.extend({ by: z.string(), at: z.iso.datetime() }).optional(),
  customerCountry: z
    .string()
    .optional()
    .describe(
      'The country (ISO 3166-1 alpha-2) of the customer’s primary address when the order was created; absent when it had none. Reports group orders by it',
    ),
  shipTo: StoredAddress.optional().describe(
    'Where the order is delivered: the `shipTo` given on create, else the customer’s shipping address, else its primary address, as they were when the order was created; absent when the customer had none',
  ),
  customerName: z
    .string()
    .optional()
    .describe(
      'The customer’s name when the order was created (the fulfilment partner addresses the parcel to it)',
    ),
  imported: z
    .literal(true)
    .optional()
    .describe(
      'The order was imported as history (POST /v1/orders/history): its dates, prices and status are its own, and it never ran the workflow',
    ),
  importedAt: z.iso.datetime().optional().describe('When it was imported'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
});
export type Order = z.infer<typeof Order>;

export const OrderPage = pageOf(Order);

/**
 * A line that the stock available now cannot fill. The order is accepted anyway (stock may
 * arrive before the workflow reserves it); the warning says so at once.
 */
export const OrderWarning = z.strictObject({
  code: z.literal('insufficient-stock'),
  lineNo: z.number().int(),
  sku: z.string(),
  requested: z.number().int().describe('Units ordered on this line'),
  available: z.number().int().describe('Units available when the order was created'),
  message: z.string(),
});
export type OrderWarning = z.infer<typeof OrderWarning>;

/** The answer to a create: the order, plus warnings about lines stock cannot fill now. */
export const OrderCreated = Order.extend({ warnings: z.array(OrderWarning).optional() });

export const TimelineEvent = z.strictObject({
  seq: z.number().int().describe('1, 2, 3… in the order the changes happened'),
  type: z.string(),
  status: OrderStatusSchema.describe('The order status after this event'),
  at: z.iso.datetime(),
  actor: Actor,
  details: z.record(z.string(), z.unknown()).optional(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const TimelinePage = pageOf(TimelineEvent);

export const OrderIdParams = z.strictObject({ orderId: Ulid });

export const OrderListQuery = ListQuery.extend({
  status: OrderStatusSchema.optional(),
  customerId: Ulid.optional(),
  createdFrom: z.iso.datetime().optional().describe('Inclusive, ISO 8601 UTC'),
  createdTo: z.iso.datetime().optional().describe('Exclusive, ISO 8601 UTC'),
  number: z
    .string()
    .regex(ORDER_NUMBER_PATTERN, 'must be an order number such as SO-2026-000123')
    .optional()
    .describe('The order with this number (a page of at most one order)'),
  externalRef: ExternalRef.optional().describe(
    'The order with this externalRef (a page of at most one order)',
  ),
});

/** `GET /v1/orders/export`: the list's filters; the size of a part is the server's. */
export const OrderExportQuery = OrderListQuery.omit({ limit: true });

export const ApproveBody = z.strictObject({
  comment: freeText(0, 2000).optional(),
  creditOverride: z
    .strictObject({ reason: z.string().trim().min(1, 'say why').max(500) })
    .optional()
    .describe(
      'Approve even past the customer’s credit limit (only roles in the rules’ creditOverrideRoles); recorded on the level',
    ),
});
export type ApproveBody = z.infer<typeof ApproveBody>;
export const RejectBody = z.strictObject({ comment: freeText(1, 2000, { tooShort: 'say why' }) });
export const ShipmentBody = z.strictObject({
  carrier: singleLineText(1, 100),
  trackingNumber: singleLineText(1, 100),
});
export type ShipmentReport = z.infer<typeof ShipmentBody>;
export const DeliveryBody = z.strictObject({
  deliveredAt: z.iso.datetime().optional().describe('When the partner delivered; now when absent'),
});
export const FulfilmentFailureBody = z.strictObject({ reason: freeText(1, 500) });
export const CancelBody = z.strictObject({ reason: freeText(1, 500, { tooShort: 'say why' }) });

export const PendingApproval = z.strictObject({
  orderId: Ulid,
  orderNumber: z.string(),
  customerId: Ulid,
  total: Money,
  level: z.number().int(),
  role: z.enum(ROLES),
  approverUserId: z.string().optional(),
  requestedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
  ruleId: z.string().optional(),
});
export type PendingApproval = z.infer<typeof PendingApproval>;
export const PendingApprovalPage = pageOf(PendingApproval);
export const ApprovalsQuery = ListQuery.extend({ status: z.literal('pending').default('pending') });
