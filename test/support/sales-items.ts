import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Need and order items as the domain table holds them (the contract of issue 9: functions/needs
 * writes needs, functions/orders orders, live or imported), for tests that drive the aggregates by
 * writing items, and Lambda's stream records of their changes (with both images, as the domain
 * table's NEW_AND_OLD_IMAGES stream carries them).
 */
export interface NeedFields {
  id: string;
  customerId?: string;
  type?: string;
  channel?: string;
  status?: string;
  receivedAt: string;
  estimatedValue?: { amountMinor: number; currency: string };
  updatedAt?: string;
  version?: number;
}

export function needItem(tenantId: string, need: NeedFields): Record<string, unknown> {
  const at = need.updatedAt ?? need.receivedAt;
  return {
    pk: `T#${tenantId}#NEED#${need.id}`,
    sk: 'NEED',
    entity: 'NEED',
    tenantId,
    id: need.id,
    customerId: need.customerId ?? '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    ...(need.type === undefined ? {} : { type: need.type }),
    channel: need.channel ?? 'email',
    title: 'Needs a thing',
    priority: 'normal',
    status: need.status ?? 'NEW',
    receivedAt: need.receivedAt,
    ...(need.estimatedValue ? { estimatedValue: need.estimatedValue } : {}),
    createdAt: at,
    updatedAt: at,
    version: need.version ?? 1,
    createdBy: 'sam',
  };
}

export interface LineFields {
  sku: string;
  category: string;
  quantity: number;
  lineTotalMinor: number;
}

export interface OrderFields {
  id: string;
  customerId: string;
  customerCountry?: string;
  currency?: string;
  status: string;
  createdAt: string;
  lines: LineFields[];
  evaluation?: {
    stageSeconds: Record<string, number>;
    cycleSeconds: number;
    onTime: boolean | null;
    closedAt: string;
  };
  feedback?: { rating: number };
  updatedAt?: string;
  statusChangedAt?: string;
  imported?: boolean;
}

export function orderItem(tenantId: string, order: OrderFields): Record<string, unknown> {
  const currency = order.currency ?? 'EUR';
  const totalMinor = order.lines.reduce((sum, line) => sum + line.lineTotalMinor, 0);
  const at = order.updatedAt ?? order.createdAt;
  return {
    pk: `T#${tenantId}#ORDER#${order.id}`,
    sk: 'ORDER',
    entity: 'ORDER',
    tenantId,
    id: order.id,
    number: `SO-2026-${order.id.slice(-6)}`,
    customerId: order.customerId,
    ...(order.customerCountry === undefined ? {} : { customerCountry: order.customerCountry }),
    currency,
    lines: order.lines.map((line, i) => ({
      lineNo: i + 1,
      sku: line.sku,
      productId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
      name: `Product ${line.sku}`,
      category: line.category,
      quantity: line.quantity,
      unitPriceMinor: Math.floor(line.lineTotalMinor / line.quantity),
      discountBps: 0,
      discountMinor: 0,
      lineTotalMinor: line.lineTotalMinor,
    })),
    totals: { subtotalMinor: totalMinor, discountMinor: 0, totalMinor },
    total: { amountMinor: totalMinor, currency },
    status: order.status,
    statusChangedAt: order.statusChangedAt ?? at,
    createdBy: 'sam',
    ...(order.evaluation
      ? { evaluation: { ...order.evaluation, approvalSlaMet: null, escalations: 0 } }
      : {}),
    ...(order.feedback ? { feedback: { ...order.feedback, by: 'sam', at } } : {}),
    ...(order.imported ? { imported: true, importedAt: at } : {}),
    createdAt: order.createdAt,
    updatedAt: at,
    version: 1,
  };
}

let sequence = 5_000_000;

/** The stream record of a change from `before` to `after` (absent: created, or deleted). */
export function changeRecord(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): DynamoDBRecord {
  const n = sequence++;
  const item = (after ?? before) as Record<string, unknown>;
  const image = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true }) as never;
  return {
    eventID: `sales-${process.pid}-${n}`,
    eventName: before && after ? 'MODIFY' : after ? 'INSERT' : 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      ...(after ? { NewImage: image(after) } : {}),
      ...(before ? { OldImage: image(before) } : {}),
      SequenceNumber: String(n).padStart(21, '0'),
      SizeBytes: JSON.stringify(item).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
