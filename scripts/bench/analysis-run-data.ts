import { ulid } from 'ulid';
import { contribution } from '../../functions/aggregates/contributions';
import type { Image } from '../../functions/aggregates/images';
import { type Random, seededRandom } from '../../functions/analysis/random';
import { customerKey } from '../../functions/customers/keys';
import { indexEntries } from '../../functions/needs/index-entries';
import type { Need } from '../../functions/needs/schemas';
import { buildHistoryOrder, type CatalogueProduct } from '../../functions/orders/history-order';
import type { HistoryOrder } from '../../functions/orders/history-schema';
import { ORDER_ENTITY, orderIndexAttributes, orderKey } from '../../functions/orders/keys';
import { productKey } from '../../functions/products/store';
import { defaultZoneHistory } from '../../functions/settings/time-zone';
import { collectionKey } from '../../functions/shared/db/keys';

/**
 * A synthetic tenant for the run benchmark, from a seed, as the items the real code writes:
 * products and customers as their stores write them, orders as the history import writes them
 * (functions/orders/history-order.ts builds each), needs as the needs index's STATUS entries
 * (functions/needs/index-entries.ts: whole copies of the need), and the aggregate items a run reads
 * (needs by status per month, orders per status and month) summed from the aggregator's own
 * `contribution()`. What no run reads is not written: the need items themselves, their other
 * index entries and history, the orders' timelines, the other aggregates — writing them would
 * triple the load for nothing the run touches.
 *
 * Shape, per `needs` N: N / 20 customers (their needs and orders skewed: a few customers have
 * many), N / 10 orders of 1–8 lines over 2,000 products in 40 categories (products bought in
 * families, so co-occurrence has something to find), needs of 8 types (10 % untyped) with texts
 * drawn from per-type vocabularies (a fifth of the words the type's own, the rest shared or any
 * type's, so the types overlap), 5 statuses, values in EUR, received over the last year.
 */
export const TYPES = [
  'spare_parts',
  'new_product',
  'price',
  'delivery',
  'quality',
  'service',
  'training',
  'complaint',
];
const VOCABULARY: Record<string, string[]> = {
  spare_parts: [
    'blade',
    'spare',
    'replacement',
    'worn',
    'gasket',
    'bearing',
    'filter',
    'part',
    'seal',
    'belt',
  ],
  new_product: [
    'new',
    'model',
    'launch',
    'catalogue',
    'upgrade',
    'demo',
    'range',
    'latest',
    'brochure',
    'trial',
  ],
  price: ['price', 'discount', 'quote', 'cost', 'cheaper', 'offer', 'budget', 'invoice', 'rate', 'tender'],
  delivery: [
    'delivery',
    'shipping',
    'late',
    'courier',
    'tracking',
    'dispatch',
    'arrive',
    'pallet',
    'freight',
    'eta',
  ],
  quality: [
    'defect',
    'quality',
    'tolerance',
    'scratch',
    'inspection',
    'batch',
    'finish',
    'crack',
    'test',
    'spec',
  ],
  service: [
    'service',
    'maintenance',
    'visit',
    'engineer',
    'repair',
    'calibration',
    'contract',
    'install',
    'check',
    'support',
  ],
  training: [
    'training',
    'course',
    'operator',
    'manual',
    'workshop',
    'certificate',
    'session',
    'learn',
    'onboarding',
    'video',
  ],
  complaint: [
    'complaint',
    'unhappy',
    'refund',
    'broken',
    'damaged',
    'wrong',
    'angry',
    'escalate',
    'faulty',
    'return',
  ],
};
const SHARED = ['machine', 'order', 'please', 'week', 'site', 'team', 'urgent', 'next', 'our', 'line'];
const CHANNELS = ['feedback', 'survey', 'sales_report', 'web_form', 'email', 'call', 'other'] as const;
const STATUSES = [
  ['NEW', 0.2],
  ['QUALIFIED', 0.15],
  ['IN_PROGRESS', 0.15],
  ['FULFILLED', 0.35],
  ['DECLINED', 0.15],
] as const;
/** The status whose share of the cumulative distribution holds `u` (0 ≤ u < 1). */
function statusOf(u: number): (typeof STATUSES)[number][0] {
  let left = u;
  for (const [status, share] of STATUSES) {
    left -= share;
    if (left < 0) return status;
  }
  return STATUSES[0][0];
}
const PRODUCTS = 2000;
const CATEGORIES = 40;
const YEAR_MS = 365 * 86_400_000;

const pick = <T>(random: Random, list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
/** Skewed towards 0: a few customers (or products) get most of the records. */
const skewed = (random: Random, n: number) => Math.min(n - 1, Math.floor(n * random() ** 2));

export interface SyntheticTenant {
  tenantId: string;
  needs: number;
  customers: string[];
  products: CatalogueProduct[];
  now: number;
}

export function syntheticTenant(tenantId: string, needs: number, seed: number): SyntheticTenant {
  const random = seededRandom(seed);
  const now = Date.now();
  // Created over the two years before: their ids (ULIDs) spread over that time, as real ones do.
  const customerCount = Math.max(10, Math.round(needs / 20));
  const customers = Array.from({ length: customerCount }, (_, i) =>
    ulid(now - 2 * YEAR_MS + Math.floor((i * YEAR_MS) / customerCount), random),
  );
  const products = Array.from({ length: PRODUCTS }, (_, i) => ({
    productId: ulid(now - 2 * YEAR_MS + Math.floor((i * YEAR_MS) / PRODUCTS), random),
    name: `Product ${i}`,
    category: `category-${String(i % CATEGORIES).padStart(2, '0')}`,
    sku: `SKU-${String(i).padStart(5, '0')}`,
  }));
  return { tenantId, needs, customers, products: products as CatalogueProduct[], now };
}

export function* productItems(t: SyntheticTenant): Generator<Record<string, unknown>> {
  const at = new Date(t.now - YEAR_MS).toISOString();
  for (const [i, p] of t.products.entries())
    yield {
      ...productKey(t.tenantId, p.productId),
      collectionPk: collectionKey(t.tenantId, 'PRODUCTS'),
      collectionSk: p.productId,
      entity: 'PRODUCT',
      tenantId: t.tenantId,
      id: p.productId,
      sku: (p as CatalogueProduct & { sku: string }).sku,
      name: p.name,
      category: p.category,
      unitPrice: { amountMinor: 500 + (i % 50) * 300, currency: 'EUR' },
      active: true,
      onHand: 100,
      reserved: 0,
      available: 100,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
}

export function* customerItems(t: SyntheticTenant): Generator<Record<string, unknown>> {
  const at = new Date(t.now - YEAR_MS).toISOString();
  for (const [i, id] of t.customers.entries())
    yield {
      ...customerKey(t.tenantId, id),
      collectionPk: collectionKey(t.tenantId, 'CUSTOMERS'),
      collectionSk: id,
      entity: 'CUSTOMER',
      tenantId: t.tenantId,
      name: `Customer ${i} Ltd`,
      id,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
}

/** The orders as the history import writes them: CLOSED, their lines in product families. */
export function* orderItems(t: SyntheticTenant, seed: number): Generator<Record<string, unknown>> {
  const random = seededRandom(seed);
  const byId = new Map(t.products.map((p) => [p.productId, p]));
  const count = Math.round(t.needs / 10);
  for (let i = 0; i < count; i++) {
    const orderedMs = t.now - Math.floor(random() * YEAR_MS) - 3 * 86_400_000;
    const family = skewed(random, PRODUCTS / 10) * 10;
    const lines = 1 + Math.floor(random() * 8);
    const skus = new Set<number>();
    for (let l = 0; l < lines; l++)
      skus.add(random() < 0.8 ? family + Math.floor(random() * 10) : Math.floor(random() * PRODUCTS));
    const input = {
      externalRef: `B-${i}`,
      customerId: t.customers[skewed(random, t.customers.length)],
      currency: 'EUR',
      status: 'CLOSED',
      orderedAt: new Date(orderedMs).toISOString(),
      approvedAt: new Date(orderedMs + 3_600_000).toISOString(),
      shippedAt: new Date(orderedMs + 86_400_000).toISOString(),
      deliveredAt: new Date(orderedMs + 2 * 86_400_000).toISOString(),
      lines: [...skus].map((p) => ({
        sku: (t.products[p] as CatalogueProduct & { sku: string }).sku,
        quantity: 1 + Math.floor(random() * 20),
        unitPriceMinor: 500 + (p % 50) * 300,
      })),
    } as HistoryOrder;
    const { order } = buildHistoryOrder(input, {
      orderId: ulid(orderedMs, random),
      customerId: input.customerId as string,
      products: new Map(
        [...skus].map((p) => {
          const product = t.products[p] as CatalogueProduct & { sku: string };
          return [product.sku, byId.get(product.productId) as CatalogueProduct];
        }),
      ),
      importedBy: 'bench',
      importedAt: new Date(t.now).toISOString(),
      field: 'body.items.0',
    });
    yield {
      ...orderKey(t.tenantId, order.id),
      ...orderIndexAttributes(t.tenantId, order),
      entity: ORDER_ENTITY,
      tenantId: t.tenantId,
      ...order,
    };
  }
}

/** The needs, as the need objects their items copy. */
export function* needs(t: SyntheticTenant, seed: number): Generator<Need> {
  const random = seededRandom(seed);
  for (let i = 0; i < t.needs; i++) {
    const receivedMs = t.now - Math.floor(random() * YEAR_MS);
    const receivedAt = new Date(receivedMs).toISOString();
    const typed = random() < 0.9;
    const type = pick(random, TYPES);
    const words = (n: number) =>
      Array.from({ length: n }, () => {
        const r = random();
        return r < 0.2
          ? pick(random, VOCABULARY[type] as string[])
          : r < 0.7
            ? pick(random, SHARED)
            : pick(random, VOCABULARY[pick(random, TYPES)] as string[]);
      }).join(' ');
    const status = statusOf(random());
    const answered = status === 'IN_PROGRESS' || status === 'FULFILLED';
    const orderId = ulid(receivedMs + 86_400_000, random);
    const productCount = Math.floor(random() * 3);
    const need: Need = {
      id: ulid(receivedMs, random),
      customerId: t.customers[skewed(random, t.customers.length)] as string,
      ...(typed ? { type } : {}),
      channel: pick(random, CHANNELS),
      title: words(4),
      description: words(14),
      priority: 'normal',
      estimatedValue: { amountMinor: 1000 + Math.floor(random() * 500_000), currency: 'EUR' },
      ...(productCount
        ? {
            productIds: Array.from(
              { length: productCount },
              () => (t.products[skewed(random, PRODUCTS)] as CatalogueProduct).productId,
            ),
          }
        : {}),
      status,
      statusChangedAt: receivedAt,
      receivedAt,
      autoFulfil: true,
      ...(answered ? { orderIds: [orderId] } : {}),
      ...(status === 'FULFILLED'
        ? {
            fulfilment: {
              orderId,
              orderNumber: `SO-2026-${String(i).padStart(6, '0')}`,
              evaluation: {
                stageSeconds: {
                  SUBMITTED: 3600,
                  APPROVED: 7200,
                  STOCK_RESERVED: 600,
                  IN_FULFILMENT: 86_400,
                  SHIPPED: 172_800,
                },
                cycleSeconds: 270_000,
                onTime: true,
                approvalSlaMet: null,
                escalations: 0,
                closedAt: receivedAt,
              },
              fulfilledAt: receivedAt,
            },
          }
        : {}),
      createdBy: 'bench',
      createdAt: receivedAt,
      updatedAt: receivedAt,
      version: answered ? 3 : 1,
    };
    if (need.productIds) need.productIds = [...new Set(need.productIds)];
    yield need;
  }
}

/** A need's entry in its status's partition: the only one of its items a run reads. */
export const statusEntry = (tenantId: string, need: Need) =>
  indexEntries(tenantId, need).find((entry) => entry.pk.includes('#NEEDS#STATUS#')) as Record<
    string,
    unknown
  >;

/** The aggregate items a run reads, as the aggregator sums them from each record's contribution. */
export class ReadAggregates {
  readonly items = new Map<string, Record<string, unknown>>();
  private readonly zones = defaultZoneHistory();

  add(image: Image): void {
    for (const update of contribution(image, this.zones)) {
      const read =
        update.pk.includes('#AGG#needs#month#status#') ||
        update.pk.includes('#AGG#revenue#month#none#') ||
        update.pk.includes('#AGG#pipeline#all#status#');
      if (!read) continue;
      const key = `${update.pk}\u0000${update.sk}`;
      const item = this.items.get(key) ?? { pk: update.pk, sk: update.sk };
      for (const [measure, value] of Object.entries(update.add))
        item[measure] = ((item[measure] as number | undefined) ?? 0) + value;
      this.items.set(key, item);
    }
  }
}
