import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { useWorkflowPort } from '../../functions/shared/workflow/port';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

const tables = await createTestTables();
const { recordWorkflow, setUpTenant } = await import('../support/orders');
const { handler: create } = await import('../../functions/orders/create');
const { handler: list } = await import('../../functions/orders/list');

const port = recordWorkflow();
const post = (who: Principal, body: unknown, headers: Record<string, string> = {}) =>
  invoke(create, { routeKey: 'POST /v1/orders', body, principal: who, headers });
const find = async (who: Principal, query: Record<string, string>) =>
  (
    (await invoke(list, { routeKey: 'GET /v1/orders', query, principal: who })).body.items as { id: string }[]
  ).map((o) => o.id);

describe('orders found by number and externalRef', () => {
  afterAll(() => {
    useWorkflowPort(undefined);
    return tables.drop();
  });

  it('other filters given with a reference must hold too', async () => {
    const t = await setUpTenant();
    const body = (ref: string) => ({
      customerId: t.customerId,
      currency: 'EUR',
      lines: [{ sku: 'WIDGET', quantity: 1 }],
      externalRef: ref,
    });
    const first = (await post(t.sales, body('REF-A'))).body;
    const second = (await post(t.sales, body('REF-B'))).body;
    const reader = principal(t.tenantId, ['analyst'], 'reader');
    const at = Date.parse(first.createdAt);
    const iso = (ms: number) => new Date(ms).toISOString();
    assert.deepEqual(await find(reader, { number: first.number, customerId: t.customerId }), [first.id]);
    assert.deepEqual(
      await find(reader, { number: first.number, customerId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
      [],
    );
    assert.deepEqual(await find(reader, { number: first.number, status: 'SUBMITTED' }), [first.id]);
    assert.deepEqual(await find(reader, { externalRef: 'REF-A', createdFrom: iso(at) }), [first.id]);
    assert.deepEqual(await find(reader, { externalRef: 'REF-A', createdFrom: iso(at + 1) }), []);
    assert.deepEqual(await find(reader, { externalRef: 'REF-A', createdTo: iso(at + 1) }), [first.id]);
    assert.deepEqual(await find(reader, { externalRef: 'REF-A', createdTo: iso(at) }), []);
    // Number and reference of two different orders, or one of them unknown: no order is both.
    assert.deepEqual(await find(reader, { number: first.number, externalRef: 'REF-B' }), []);
    assert.deepEqual(await find(reader, { number: second.number, externalRef: 'REF-B' }), [second.id]);
    assert.deepEqual(await find(reader, { number: 'SO-1999-000001', externalRef: 'REF-B' }), []);
  });

  it('a workflow start that fails leaves the order committed and answered; its retry starts it', async () => {
    const t = await setUpTenant();
    const body = { customerId: t.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 1 }] };
    const failing = (name: string) => {
      useWorkflowPort({
        ...port,
        startExecution: async () => {
          throw Object.assign(new Error(`refused: ${name}`), { name });
        },
        sendTaskSuccess: port.sendTaskSuccess.bind(port),
        sendTaskFailure: port.sendTaskFailure.bind(port),
        describeExecution: port.describeExecution.bind(port),
      });
    };
    // An execution of that name exists already (closed, or another input): nothing to do.
    failing('ExecutionAlreadyExists');
    assert.equal((await post(t.sales, body)).status, 201);
    // Step Functions unavailable: the order is committed, so the answer is still 201 ...
    failing('ServiceUnavailable');
    const first = await post(t.sales, body, { 'idempotency-key': 'start-fails-0001' });
    assert.equal(first.status, 201);
    assert.deepEqual(port.startsOf(first.body.id), []);
    // ... and the client's retry, answered from the key's record, starts the workflow.
    useWorkflowPort(port);
    const retry = await post(t.sales, body, { 'idempotency-key': 'start-fails-0001' });
    assert.equal(retry.status, 201);
    assert.equal(retry.body.id, first.body.id);
    assert.deepEqual(
      port.startsOf(first.body.id).map((s) => s.input),
      [{ tenantId: t.tenantId, orderId: first.body.id }],
    );
  });
});
