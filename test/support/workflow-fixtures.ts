import type { ApprovalLevel, OrderLine } from '../../functions/orders/schemas';
import type { OrderRecord } from '../../functions/orders/store';

/** Plain order records for the workflow's pure functions: no I/O. */
export const ORDER_ID = '01JZ00000000000000000000AA';

export function line(extra: Partial<OrderLine> = {}): OrderLine {
  return {
    lineNo: 1,
    sku: 'WIDGET',
    productId: '01JZ00000000000000000000P1',
    name: 'Widget',
    category: 'parts',
    quantity: 2,
    unitPriceMinor: 2_500,
    discountBps: 0,
    discountMinor: 0,
    lineTotalMinor: 5_000,
    ...extra,
  };
}

export function anOrder(extra: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id: ORDER_ID,
    number: 'SO-2026-000001',
    customerId: '01JZ00000000000000000000C1',
    currency: 'EUR',
    lines: [line()],
    totals: { subtotalMinor: 5_000, discountMinor: 0, totalMinor: 5_000 },
    total: { amountMinor: 5_000, currency: 'EUR' },
    status: 'SUBMITTED',
    statusChangedAt: '2026-03-01T10:00:00.000Z',
    createdBy: 'sam',
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    version: 1,
    ...extra,
  } as OrderRecord;
}

export function level(extra: Partial<ApprovalLevel> = {}): ApprovalLevel {
  return {
    level: 1,
    role: 'approver',
    slaSeconds: 3_600,
    escalateTo: 'admin',
    status: 'pending',
    requestedAt: '2026-03-01T10:00:00.000Z',
    dueAt: '2026-03-01T11:00:00.000Z',
    escalations: [],
    ...extra,
  };
}
