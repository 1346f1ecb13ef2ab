import * as z from 'zod';
import { Observed } from '../approvals/rules';
import { Actor, CreditOverride, OrderStatusSchema } from '../orders/schemas';
import { CANCELLATION_CODES } from '../orders/status';
import { ROLES } from '../shared/auth/roles';
import { Ulid } from '../shared/ids';
import { CurrencyCode } from '../shared/money';

/**
 * The domain events, declared once: every timeline event type the code writes (the `type` of an
 * ORDER_EVENT item, functions/orders/store.ts) is one CloudEvents type here, with what it means
 * and the schema of its `data`. The envelope (envelope.ts), the API (`GET /v1/event-types`), the
 * OpenAPI document and docs/events.md are all built from this list; a test fails when the code
 * writes a timeline type that is missing here.
 *
 * `data` is the timeline event as stored — the order, its sequence number, the status after the
 * event, who acted — plus the type's details. The schemas are `z.object`s: a field the code writes
 * that is not declared here is dropped, never published (a test keeps them equal).
 */
const Role = z.enum(ROLES);
const ShipToData = z.object({
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  region: z.string().optional(),
  country: z.string().describe('ISO 3166-1 alpha-2'),
});
const SkuQuantity = z.object({ sku: z.string(), quantity: z.number().int() });

/** The fields every event's `data` carries, from the timeline item itself. */
export const BASE_DATA = {
  orderId: Ulid.describe('The order (the event’s subject is `orders/<orderId>`)'),
  seq: z
    .number()
    .int()
    .min(1)
    .describe('1, 2, 3… per order, in commit order: the order’s version this event produced'),
  status: OrderStatusSchema.describe('The order’s status after this event'),
  actor: Actor.describe('Who caused it: a user, a partner, or the workflow (`system`)'),
};

const data = <T extends z.core.$ZodLooseShape>(details: T) => z.object({ ...BASE_DATA, ...details });

const DecidedByRule = {
  ruleId: z.string().describe('The approval rule that decided (`credit-guard` when the credit guard did)'),
  ruleName: z.string().describe('That rule’s name, as it was when it decided'),
  observed: Observed.describe('The facts the rule’s conditions looked at'),
};

export const CATALOGUE = {
  ORDER_SUBMITTED: {
    type: 'orderly.order.submitted',
    description: 'An order was created (SUBMITTED); its workflow decides its approval next.',
    data: data({
      number: z.string().describe('The human order number, e.g. SO-2026-000123'),
      totalMinor: z.number().int().describe('The order total in minor units of `currency`'),
      currency: CurrencyCode.describe('ISO 4217'),
      lines: z.number().int().describe('How many lines the order has'),
      externalRef: z.string().optional().describe('The client’s own reference, when given'),
    }),
  },
  APPROVAL_REQUIRED: {
    type: 'orderly.order.approval_required',
    description: 'The approval rules ask people to approve the order (PENDING_APPROVAL), level by level.',
    data: data({
      ...DecidedByRule,
      levels: z
        .array(z.object({ level: z.number().int(), role: Role, slaSeconds: z.number().int() }))
        .describe('The levels, approved one after another; the first waits now'),
    }),
  },
  APPROVAL_GRANTED: {
    type: 'orderly.order.approved',
    description:
      'A person approved the level waiting on them: the order is APPROVED when it was the last level (`status`), else the next level waits.',
    data: data({
      level: z.number().int(),
      role: Role.describe('The role the level waited on'),
      comment: z.string().optional(),
      creditOverride: CreditOverride.optional().describe(
        'The approver passed the customer’s credit limit explicitly',
      ),
    }),
  },
  APPROVAL_REJECTED: {
    type: 'orderly.order.rejected',
    description: 'A person rejected the order at the level waiting on them (REJECTED, final).',
    data: data({
      level: z.number().int(),
      role: Role.describe('The role the level waited on'),
      comment: z.string().describe('Why, as the approver wrote it'),
    }),
  },
  APPROVAL_AUTO_APPROVED: {
    type: 'orderly.order.auto_approved',
    description: 'The approval rules approved the order without asking anyone (APPROVED).',
    data: data(DecidedByRule),
  },
  APPROVAL_AUTO_REJECTED: {
    type: 'orderly.order.auto_rejected',
    description: 'The approval rules (or the credit guard) rejected the order (REJECTED, final).',
    data: data({ ...DecidedByRule, reason: z.string().describe('Why, as shown on the order') }),
  },
  APPROVAL_ESCALATED: {
    type: 'orderly.order.approval_escalated',
    description: 'Nobody decided a level within its SLA: it now waits on another role, with a fresh SLA.',
    data: data({
      level: z.number().int(),
      fromRole: Role,
      toRole: Role,
      dueAt: z.iso.datetime().describe('When the level escalates again (or expires)'),
      escalation: z.number().int().describe('1 for the level’s first escalation, 2 for its second…'),
    }),
  },
  APPROVAL_EXPIRED: {
    type: 'orderly.order.approval_expired',
    description: 'A level was not decided after its last escalation; the order is cancelled next.',
    data: data({ level: z.number().int(), role: Role, escalations: z.number().int() }),
  },
  STOCK_RESERVED: {
    type: 'orderly.order.stock_reserved',
    description: 'Every line’s quantity was set aside in stock (STOCK_RESERVED).',
    data: data({ reservations: z.array(SkuQuantity) }),
  },
  FULFILMENT_REQUESTED: {
    type: 'orderly.order.fulfilment_requested',
    description:
      'The order was assigned a fulfilment partner and that partner asked to ship it (IN_FULFILMENT).',
    data: data({
      number: z.string(),
      partnerId: z.string().describe('The partner asked to ship (it then sees and reports on the order)'),
      lines: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int() })),
      promisedDeliveryDate: z.iso.date().optional(),
      customerName: z.string().optional().describe('Who the parcel is for: the customer’s name'),
      shipTo: ShipToData.optional().describe(
        'Where to deliver (the order’s `shipTo`); absent when the customer has no address',
      ),
    }),
  },
  SHIPPED: {
    type: 'orderly.order.shipped',
    description: 'The partner reported the shipment; the reserved stock left the warehouse (SHIPPED).',
    data: data({ carrier: z.string(), trackingNumber: z.string() }),
  },
  DELIVERED: {
    type: 'orderly.order.delivered',
    description: 'The partner reported the delivery (DELIVERED).',
    data: data({ deliveredAt: z.iso.datetime().describe('When it was delivered, as the partner said') }),
  },
  ORDER_CLOSED: {
    type: 'orderly.order.closed',
    description: 'The order was closed with its evaluation (CLOSED, final).',
    data: data({
      cycleSeconds: z.number().describe('From submission to delivery'),
      onTime: z.boolean().nullable().describe('Delivered by the promised date; null when none was promised'),
      approvalSlaMet: z.boolean().nullable().describe('Every level decided within its SLA; null when none'),
      escalations: z.number().int(),
    }),
  },
  ORDER_CANCELLED: {
    type: 'orderly.order.cancelled',
    description:
      'The order was cancelled, its stock released and its total taken out of the customer’s open balance (CANCELLED, final).',
    data: data({
      code: z.enum(CANCELLATION_CODES).describe('Why, for machines'),
      reason: z.string().describe('Why, for people'),
      released: z.array(SkuQuantity).optional().describe('The stock released, when some was reserved'),
    }),
  },
  CANCEL_REQUESTED: {
    type: 'orderly.order.cancel_requested',
    description: 'Someone asked to cancel the order; the workflow cancels it next.',
    data: data({ reason: z.string().describe('Why, as the person asking wrote it') }),
  },
  FULFILMENT_FAILURE_REPORTED: {
    type: 'orderly.order.fulfilment_failure_reported',
    description: 'The partner reported it cannot fulfil the order; the workflow cancels it next.',
    data: data({ reason: z.string().describe('Why, as the partner wrote it') }),
  },
  FEEDBACK_RECEIVED: {
    type: 'orderly.order.feedback_received',
    description: 'The customer’s rating of a delivered order was recorded.',
    data: data({ rating: z.number().int().min(1).max(5).describe('1 (worst) to 5 (best)') }),
  },
  WORKFLOW_NEEDS_ATTENTION: {
    type: 'orderly.order.needs_attention',
    description:
      'The workflow failed after the order shipped, so it could not cancel it: a person must resolve it.',
    data: data({
      reason: z.string().describe('What happened and what is needed, for people'),
      error: z.string().optional().describe('The name of the workflow error, when there was one'),
    }),
  },
} as const satisfies Record<
  string,
  { type: `orderly.order.${string}`; description: string; data: z.ZodObject }
>;

export type TimelineType = keyof typeof CATALOGUE;
export type EventEntry = (typeof CATALOGUE)[TimelineType];
export type CloudEventType = EventEntry['type'];

export const TIMELINE_TYPES = Object.keys(CATALOGUE) as TimelineType[];
export const CLOUD_EVENT_TYPES = TIMELINE_TYPES.map((t) => CATALOGUE[t].type) as [
  CloudEventType,
  ...CloudEventType[],
];

export const isTimelineType = (type: string): type is TimelineType => Object.hasOwn(CATALOGUE, type);
