import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as aggregate } from '../../functions/aggregates/aggregate-sales';
import { createCustomer } from '../../functions/customers/store';
import { handler as needsBatch } from '../../functions/needs/batch';
import { needKey } from '../../functions/needs/keys';
import { handler as history } from '../../functions/orders/history';
import { orderKey } from '../../functions/orders/keys';
import { createProduct } from '../../functions/products/store';
import { documentClient, domainTableName } from '../../functions/shared/db/client';
import { fakeContext, invoke, principal, uniqueTenant } from './invoke';
import { streamRecord } from './stream-records';

/**
 * A tenant with something to analyse, written through the real code (stores and handlers): a
 * catalogue of three categories, customers of three kinds, their order history (imported, CLOSED)
 * and their needs, typed with texts a classifier can learn — and the aggregates the stream would
 * have built from those needs and orders (the real aggregator, fed their stream records).
 *
 * - 12 loyal customers: an order every two weeks for 16 weeks (blades, a machine now and then),
 *   and spare-parts needs that are being answered;
 * - 12 lapsed ones: one small order ten months ago, and a new-product need;
 * - 12 needy ones: one machine two months ago and complaints, open (NEW, with values).
 */
const DAY_MS = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

export const CATALOGUE = [
  { sku: 'BLD-1', category: 'blades', priceMinor: 1200 },
  { sku: 'BLD-2', category: 'blades', priceMinor: 900 },
  { sku: 'BLD-3', category: 'blades', priceMinor: 1500 },
  { sku: 'MCH-1', category: 'machines', priceMinor: 250_000 },
  { sku: 'MCH-2', category: 'machines', priceMinor: 180_000 },
  { sku: 'SRV-1', category: 'service', priceMinor: 9000 },
  { sku: 'SRV-2', category: 'service', priceMinor: 12_000 },
] as const;

/** Words per need type, and words every type uses: enough for a classifier to tell them apart. */
const WORDS = {
  spare_parts: ['replacement', 'blades', 'spare', 'worn', 'part', 'cutter', 'set', 'gasket'],
  complaint: ['damaged', 'late', 'broken', 'unhappy', 'refund', 'complain', 'faulty', 'wrong'],
  new_product: ['interested', 'new', 'model', 'catalogue', 'launch', 'demo', 'quote', 'upgrade'],
} as const;
const SHARED = ['machine', 'order', 'please', 'week', 'team', 'site'];
export type NeedType = keyof typeof WORDS;

const text = (type: NeedType, i: number) => {
  const own = WORDS[type];
  return `${own[i % own.length]} ${SHARED[i % SHARED.length]} ${own[(i * 3 + 1) % own.length]} ${own[(i * 5 + 2) % own.length]}`;
};

export interface AnalysisTenant {
  tenantId: string;
  customers: { loyal: string[]; lapsed: string[]; needy: string[] };
  products: Record<string, string>;
  orders: number;
  needs: { id: string; status: string; type?: string; customerId: string }[];
}

async function created(res: Awaited<ReturnType<typeof invoke>>): Promise<string[]> {
  if (res.status !== 200 || res.body.rejected) throw new Error(`batch refused: ${JSON.stringify(res.body)}`);
  return res.body.results.map((r: { id: string }) => r.id);
}

async function inBatches<T>(items: T[], send: (batch: T[]) => Promise<string[]>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < items.length; i += 100) ids.push(...(await send(items.slice(i, i + 100))));
  return ids;
}

export async function analysisTenant(options: { prefix?: string } = {}): Promise<AnalysisTenant> {
  const tenantId = uniqueTenant(options.prefix ?? 'an');
  const admin = principal(tenantId, ['admin'], 'ann');
  const now = new Date().toISOString();
  const products: Record<string, string> = {};
  for (const p of CATALOGUE) {
    const product = await createProduct(
      tenantId,
      {
        sku: p.sku,
        name: `Product ${p.sku}`,
        category: p.category,
        unitPrice: { amountMinor: p.priceMinor, currency: 'EUR' },
        active: true,
        stock: { onHand: 1000 },
      },
      now,
    );
    products[p.sku] = product.id;
  }
  const group = async (name: string) =>
    Promise.all(
      Array.from(
        { length: 12 },
        async (_, i) => (await createCustomer(tenantId, { name: `${name} ${i}` }, now)).id,
      ),
    );
  const customers = {
    loyal: await group('Loyal'),
    lapsed: await group('Lapsed'),
    needy: await group('Needy'),
  };

  const orders: Record<string, unknown>[] = [];
  const order = (customerId: string, days: number, lines: [string, number][]) => {
    orders.push({
      externalRef: `H-${orders.length + 1}`,
      customerId,
      currency: 'EUR',
      status: 'CLOSED',
      orderedAt: ago(days),
      lines: lines.map(([sku, quantity]) => ({
        sku,
        quantity,
        unitPriceMinor: CATALOGUE.find((p) => p.sku === sku)?.priceMinor as number,
      })),
    });
  };
  customers.loyal.forEach((id, c) => {
    for (let k = 0; k < 8; k++)
      order(id, 3 + 14 * k + c, [
        ['BLD-1', 10],
        ['BLD-2', 5],
        ...(k % 4 === 0 ? ([['MCH-1', 1]] as [string, number][]) : []),
      ]);
  });
  for (const [c, id] of customers.lapsed.entries())
    order(id, 300 + c, [
      ['SRV-1', 1],
      ['BLD-3', 1],
    ]);
  for (const [c, id] of customers.needy.entries())
    order(id, 60 + c, [
      ['MCH-2', 1],
      ['SRV-2', 1],
    ]);
  const orderIds = await inBatches(orders, async (items) =>
    created(
      await invoke(history, { routeKey: 'POST /v1/orders/history', body: { items }, principal: admin }),
    ),
  );

  const needs: (Record<string, unknown> & { customerId: string; status: string; type?: string })[] = [];
  const need = (customerId: string, type: NeedType | undefined, status: string, days: number, extra = {}) => {
    const n = needs.length;
    needs.push({
      customerId,
      ...(type ? { type } : {}),
      channel: 'email',
      title: type ? text(type, n) : `Call back ${n}`,
      description: type ? text(type, n + 7) : 'No details given',
      status,
      receivedAt: ago(days),
      ...extra,
    });
  };
  customers.loyal.forEach((id, c) => {
    need(id, 'spare_parts', 'FULFILLED', 10 + c * 7, { productIds: [products['BLD-1']] });
    need(id, 'spare_parts', 'IN_PROGRESS', 20 + c * 5, { productIds: [products['BLD-2']] });
  });
  for (const [c, id] of customers.lapsed.entries())
    need(id, 'new_product', 'QUALIFIED', 30 + c * 6, {
      estimatedValue: { amountMinor: 50_000 + c * 1000, currency: 'EUR' },
    });
  customers.needy.forEach((id, c) => {
    for (let k = 0; k < 5; k++)
      need(
        id,
        k < 4 ? 'complaint' : 'spare_parts',
        k === 0 ? 'DECLINED' : 'NEW',
        8 + ((c * 5 + k * 13) % 100),
        {
          estimatedValue: { amountMinor: 10_000 * (k + 1) + c, currency: 'EUR' },
          productIds: [products['MCH-2']],
        },
      );
  });
  for (let k = 0; k < 4; k++) need(customers.needy[k] as string, undefined, 'NEW', 9 + k * 11);
  const needIds = await inBatches(needs, async (items) =>
    created(
      await invoke(needsBatch, { routeKey: 'POST /v1/needs/batch', body: { items }, principal: admin }),
    ),
  );

  // The aggregates, as the table's stream would have built them: each need's and order's INSERT.
  const items = await Promise.all([
    ...needIds.map((id) => stored(needKey(tenantId, id))),
    ...orderIds.map((id) => stored(orderKey(tenantId, id))),
  ]);
  for (let i = 0; i < items.length; i += 25)
    await aggregate({ Records: items.slice(i, i + 25).map((item) => streamRecord(item)) }, fakeContext());

  return {
    tenantId,
    customers,
    products,
    orders: orderIds.length,
    needs: needs.map((body, i) => ({
      id: needIds[i] as string,
      status: body.status,
      ...(body.type ? { type: body.type } : {}),
      customerId: body.customerId,
    })),
  };
}

async function stored(key: { pk: string; sk: string }): Promise<Record<string, unknown>> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: domainTableName(), Key: key }));
  if (!Item) throw new Error(`no item ${key.pk}`);
  return Item;
}
