import assert from 'node:assert/strict';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import * as z from 'zod';
import type { Principal } from '../../functions/shared/auth/principal';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { type Baseline, type Kind, mutationsFor, render } from '../fuzz/cases';
import { COMMON_HINTS, exampleOf, type Hints, OMIT } from '../fuzz/examples';
import type { ApiOperation, JsonSchema } from '../fuzz/openapi';
import { countItems, createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

/**
 * The API fuzz suite sees a batch's items as opaque (its description says `items: unknown[]`), so
 * it cannot break one field of an item. This does, with the suite's own mutations: from a valid
 * item of each batch operation (customers, products, order history), one thing broken at a time —
 * a field's type, a 100 KB string, JSON nested thousands deep, Unicode edges, a missing or an
 * unknown field. The request always answers 200; an item refused is a 4xx problem (a 400 naming
 * the field inside the item) and leaves the tables with exactly as many items as before.
 */
const tables = await createTestTables();
const { setUpTenant, recordWorkflow } = await import('../support/orders');
const { CustomerCreate } = await import('../../functions/customers/schemas');
const { ProductCreate } = await import('../../functions/products/schemas');
const { HistoryOrder } = await import('../../functions/orders/history-schema');
const { dynamodb } = await import('../../functions/shared/db/client');
recordWorkflow();
afterAll(() => tables.drop());

const SEED = Number(process.env.ORDERLY_FUZZ_SEED ?? 20_260_311);
const RUNS = Number(process.env.ORDERLY_FUZZ_RUNS ?? 2);
const ITEM_KINDS: Kind[] = [
  'type-confusion',
  'oversized-string',
  'long-string',
  'deep-nesting',
  'unicode',
  'missing-required',
  'extra-field',
];

const itemCount = () => countItems(dynamodb, [tables.domain, tables.idempotency]);

const t = await setUpTenant({ products: [{ sku: 'FUZZ-1', priceMinor: 1000 }] });
const admin = principal(t.tenantId);

interface Target {
  operationId: string;
  routeKey: string;
  handler: HttpLambda;
  item: z.ZodType;
  hints: Hints;
  caller: Principal;
}

const targets: Target[] = [
  {
    operationId: 'batchCreateCustomers',
    routeKey: 'POST /v1/customers/batch',
    handler: (await import('../../functions/customers/batch')).handler,
    item: CustomerCreate,
    hints: COMMON_HINTS,
    caller: admin,
  },
  {
    operationId: 'batchCreateProducts',
    routeKey: 'POST /v1/products/batch',
    handler: (await import('../../functions/products/batch')).handler,
    item: ProductCreate,
    hints: COMMON_HINTS,
    caller: admin,
  },
  {
    operationId: 'importOrderHistory',
    routeKey: 'POST /v1/orders/history',
    handler: (await import('../../functions/orders/history')).handler,
    item: HistoryOrder,
    hints: {
      ...COMMON_HINTS,
      customerId: t.customerId,
      customerRef: OMIT,
      sku: 'FUZZ-1',
      orderedAt: '2010-12-01T08:26:00Z',
      approvedAt: OMIT,
      shippedAt: OMIT,
      deliveredAt: OMIT,
      closedAt: OMIT,
      cancelledAt: OMIT,
      rejectedAt: OMIT,
      cancellationReason: OMIT,
    },
    caller: principal(t.tenantId, ['admin'], 'importer'),
  },
];

/**
 * A field a 400 names matches the one broken: the same, one inside it, or an object holding it.
 * A long name may come back shortened with `…` (as in the API fuzz suite).
 */
const names = (actual: string, expected: string) =>
  actual === expected ||
  actual.startsWith(`${expected}.`) ||
  (expected.startsWith(`${actual}.`) && actual.includes('.')) ||
  (actual.endsWith('…') && actual.includes('.') && expected.startsWith(actual.slice(0, -1)));

describe('batch items broken one field at a time', () => {
  for (const target of targets) {
    it(`${target.operationId}: every broken item is refused alone with a problem, writing nothing`, async () => {
      const schema = z.toJSONSchema(target.item, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
      const example = exampleOf(schema, target.hints);
      assert.ok(target.item.safeParse(example.value).success, 'the example item is valid');
      const op: ApiOperation = {
        operationId: target.operationId,
        method: 'POST',
        path: '/item',
        public: false,
        pathParams: [],
        queryParams: [],
        idempotent: false,
        ifMatch: false,
        body: schema,
      };
      const baseline: Baseline = {
        path: {},
        query: '',
        headers: {},
        body: example.value,
        required: example.required,
        objects: example.objects,
      };
      const arbitraries = mutationsFor(op, baseline, { otherTenantIds: {} });
      for (const kind of ITEM_KINDS) {
        const arbitrary = arbitraries[kind];
        if (!arbitrary) continue;
        await fc.assert(
          fc.asyncProperty(arbitrary, async (mutation) => {
            const { request } = render(op, baseline, mutation);
            const item = JSON.parse((request.body as Buffer).toString('utf8'));
            const before = await itemCount();
            const res = await invoke(target.handler, {
              routeKey: target.routeKey,
              body: { items: [item] },
              principal: target.caller,
            });
            const where = `${mutation.kind}: ${mutation.detail} → ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
            assert.equal(res.status, 200, where);
            const [result] = res.body.results;
            if (result.outcome !== 'rejected') return;
            assert.ok(result.status >= 400 && result.status < 500, where);
            assert.equal(result.problem.status, result.status, where);
            assert.ok(result.problem.type && result.problem.title, where);
            if (result.status === 400 && mutation.field) {
              const field = mutation.field.replace(/^body/, 'body.items.0');
              const named = result.problem.errors.map((e: { field: string }) => e.field);
              assert.ok(
                named.some((n: string) => names(n, field)),
                `${where}: names ${named.join(', ')}, not ${field}`,
              );
            }
            assert.equal(await itemCount(), before, `${where}: the tables changed`);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      }
    }, 120_000);
  }

  it('a batch of a tenant never writes into another tenant', async () => {
    const other = principal(uniqueTenant('other'));
    const target = targets[2] as Target;
    const res = await invoke(target.handler, {
      routeKey: target.routeKey,
      body: {
        items: [
          {
            ...(exampleOf(z.toJSONSchema(target.item, { io: 'input' }) as JsonSchema, target.hints)
              .value as object),
          },
        ],
      },
      principal: other,
    });
    assert.equal(res.body.results[0].status, 422, 'the customer is another tenant’s: unknown here');
  });
});
