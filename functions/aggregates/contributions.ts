import { EPOCH, type ZoneHistory, zoneAt } from '../settings/time-zone';
import {
  ALL_TIME,
  type Family,
  NO_GROUP,
  PIPELINE_STATUSES,
  REVENUE_STATUSES,
  UNKNOWN_COUNTRY,
  UNTYPED,
} from './catalogue';
import type { Image, NeedImage, OrderImage } from './images';
import { aggregatePartition, aggregateSortKey, shardOf } from './keys';
import { PERIOD_KINDS, periodsOf } from './periods';

/**
 * What one need or order adds to the aggregates, by the stated rules (catalogue.ts): a list of
 * aggregate items and the numbers it adds to each. Pure. The aggregator applies
 * contribution(new image) − contribution(old image) for every change (deltas.ts).
 *
 * Measures (attribute names kept short: every update rewrites the whole item):
 * - `n` needs or orders; `u` units (revenue); `m_<CUR>` money in minor units, per currency;
 * - fulfilment: `apN`/`apMs` orders with an approval stage and their time from submission to
 *   approval (stages SUBMITTED + PENDING_APPROVAL) in ms, `ltN`/`ltMs` lead time (the evaluation's
 *   cycle, submission to delivery) in ms, `pr` orders with a promised date and `ot` those on time,
 *   `r1`…`r5` ratings.
 *
 * Periods are cut in the zone in force at the record's last change (`updatedAt`): a pure function
 * of the image and the zone history, so an image subtracts exactly what it once added.
 */
export type Measures = Record<string, number>;

export interface AggregateUpdate {
  pk: string;
  sk: string;
  add: Measures;
}

export function contribution(image: Image, zones: ZoneHistory): AggregateUpdate[] {
  const zone = zoneAt(zones, image.updatedAt ?? image.createdAt ?? EPOCH);
  const out: AggregateUpdate[] = [];
  const emit = (
    family: Family,
    period: string,
    periodValue: string,
    dimension: string,
    group: string,
    add: Measures,
  ) =>
    out.push({
      pk: aggregatePartition(image.tenantId, family, period, dimension, shardOf(family, dimension, image.id)),
      sk: aggregateSortKey(periodValue, group),
      add,
    });
  if (image.entity === 'NEED') needContribution(image, zone, emit);
  else orderContribution(image, zone, emit);
  return out;
}

type Emit = (
  family: Family,
  period: string,
  periodValue: string,
  dimension: string,
  group: string,
  add: Measures,
) => void;

const money = (currency: string, amountMinor: number): Measures => ({ [`m_${currency}`]: amountMinor });

function needContribution(need: NeedImage, zone: string, emit: Emit): void {
  const periods = periodsOf(need.receivedAt, zone);
  const measures: Measures = {
    n: 1,
    ...(need.estimatedValue ? money(need.estimatedValue.currency, need.estimatedValue.amountMinor) : {}),
  };
  for (const kind of PERIOD_KINDS) {
    const at = periods[kind];
    emit('needs', kind, at, 'none', NO_GROUP, measures);
    emit('needs', kind, at, 'type', need.type ?? UNTYPED, measures);
    emit('needs', kind, at, 'channel', need.channel, measures);
    emit('needs', kind, at, 'status', need.status, measures);
  }
}

function orderContribution(order: OrderImage, zone: string, emit: Emit): void {
  const status = order.status as (typeof REVENUE_STATUSES)[number];
  if (order.createdAt !== undefined) {
    if (REVENUE_STATUSES.includes(status)) revenue(order, order.createdAt, zone, emit);
    if (PIPELINE_STATUSES.includes(status)) pipeline(order, order.createdAt, zone, emit);
  }
  if (status === 'CLOSED') fulfilment(order, zone, emit);
}

/** Per group: one order, its units, its line totals. */
function byLineGroup(order: OrderImage, groupOf: (line: OrderImage['lines'][number]) => string) {
  const groups = new Map<string, Measures>();
  for (const line of order.lines) {
    const group = groupOf(line);
    const sum = groups.get(group) ?? { n: 1, u: 0, [`m_${order.currency}`]: 0 };
    sum.u = (sum.u ?? 0) + line.quantity;
    sum[`m_${order.currency}`] = (sum[`m_${order.currency}`] ?? 0) + line.lineTotalMinor;
    groups.set(group, sum);
  }
  return groups;
}

function revenue(order: OrderImage, orderedAt: string, zone: string, emit: Emit): void {
  const periods = periodsOf(orderedAt, zone);
  const whole: Measures = {
    n: 1,
    u: order.lines.reduce((sum, line) => sum + line.quantity, 0),
    ...money(
      order.currency,
      order.lines.reduce((sum, line) => sum + line.lineTotalMinor, 0),
    ),
  };
  const products = byLineGroup(order, (line) => line.sku);
  const categories = byLineGroup(order, (line) => line.category);
  for (const kind of PERIOD_KINDS) {
    const at = periods[kind];
    emit('revenue', kind, at, 'none', NO_GROUP, whole);
    emit('revenue', kind, at, 'customer', order.customerId, whole);
    emit('revenue', kind, at, 'country', order.customerCountry ?? UNKNOWN_COUNTRY, whole);
    for (const [sku, measures] of products) emit('revenue', kind, at, 'product', sku, measures);
    for (const [category, measures] of categories) emit('revenue', kind, at, 'category', category, measures);
  }
}

function pipeline(order: OrderImage, orderedAt: string, zone: string, emit: Emit): void {
  const periods = periodsOf(orderedAt, zone);
  const measures: Measures = { n: 1, ...money(order.currency, order.totals.totalMinor) };
  for (const [kind, at] of [[ALL_TIME, ALL_TIME], ...PERIOD_KINDS.map((k) => [k, periods[k]])] as const) {
    emit('pipeline', kind, at, 'none', NO_GROUP, measures);
    emit('pipeline', kind, at, 'status', order.status, measures);
  }
}

const ms = (seconds: number) => Math.round(seconds * 1000);

function fulfilment(order: OrderImage, zone: string, emit: Emit): void {
  const { evaluation, feedback } = order;
  const closedAt = evaluation?.closedAt ?? order.statusChangedAt ?? order.updatedAt;
  if (closedAt === undefined) return;
  const measures: Measures = { n: 1 };
  if (evaluation) {
    const stages = evaluation.stageSeconds;
    if (stages.SUBMITTED !== undefined || stages.PENDING_APPROVAL !== undefined) {
      measures.apN = 1;
      measures.apMs = ms((stages.SUBMITTED ?? 0) + (stages.PENDING_APPROVAL ?? 0));
    }
    measures.ltN = 1;
    measures.ltMs = ms(evaluation.cycleSeconds);
    if (evaluation.onTime !== null) {
      measures.pr = 1;
      measures.ot = evaluation.onTime ? 1 : 0;
    }
  }
  if (feedback) measures[`r${feedback.rating}`] = 1;
  const periods = periodsOf(closedAt, zone);
  for (const kind of PERIOD_KINDS) {
    const at = periods[kind];
    emit('fulfilment', kind, at, 'none', NO_GROUP, measures);
    emit('fulfilment', kind, at, 'customer', order.customerId, measures);
    emit('fulfilment', kind, at, 'country', order.customerCountry ?? UNKNOWN_COUNTRY, measures);
  }
}
