import assert from 'node:assert/strict';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

/**
 * A customer's segment, set by an analysis run on the customer item (an update that is no user's
 * change: the version stays), is shown by the customer's reads, never accepted from a client, and
 * survives every change a client makes.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

const { handler: create } = await import('../../functions/customers/create');
const { handler: get } = await import('../../functions/customers/get');
const { handler: update } = await import('../../functions/customers/update');
const { handler: list } = await import('../../functions/customers/list');
const { customerKey } = await import('../../functions/customers/keys');
const { documentClient } = await import('../../functions/shared/db/client');

const segment = {
  id: 1,
  label: 'recent, frequent, high value',
  runId: '01JRUN0000000000000000000A',
  assignedAt: '2026-01-16T02:04:00.000Z',
};

/** What execute.ts does with a customer's segment: set it, leaving the version alone. */
const assign = (tenantId: string, customerId: string) =>
  documentClient.send(
    new UpdateCommand({
      TableName: tables.domain,
      Key: customerKey(tenantId, customerId),
      UpdateExpression: 'SET analysis = :analysis',
      ExpressionAttributeValues: { ':analysis': { segment } },
    }),
  );

describe('a customer’s analysis', () => {
  it('is shown by GET and lists, refused from clients, and kept by every change', async () => {
    const tenant = uniqueTenant('ac');
    const admin = principal(tenant, ['admin'], 'ada');
    const refused = await invoke(create, {
      routeKey: 'POST /v1/customers',
      body: { name: 'Acme', analysis: { segment } },
      principal: admin,
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'body.analysis');

    const customer = (
      await invoke(create, { routeKey: 'POST /v1/customers', body: { name: 'Acme' }, principal: admin })
    ).body;
    assert.equal(customer.analysis, undefined);
    await assign(tenant, customer.id);
    const read = () =>
      invoke(get, {
        routeKey: 'GET /v1/customers/{customerId}',
        pathParameters: { customerId: customer.id },
        principal: principal(tenant, ['sales']),
      });
    const shown = await read();
    assert.deepEqual(shown.body.analysis, { segment });
    assert.equal(shown.body.version, 1, 'no user changed it');
    const listed = await invoke(list, { routeKey: 'GET /v1/customers', principal: admin });
    assert.deepEqual(listed.body.items[0].analysis, { segment });

    const patch = (body: unknown, version: number) =>
      invoke(update, {
        routeKey: 'PATCH /v1/customers/{customerId}',
        pathParameters: { customerId: customer.id },
        body,
        headers: { 'if-match': `"${version}"` },
        principal: admin,
      });
    const notAccepted = await patch({ analysis: null }, 1);
    assert.equal(notAccepted.status, 400);
    assert.equal(notAccepted.body.errors[0].field, 'body.analysis');

    // A plain change, a change that moves tag entries, a change of terms (audited): each keeps it.
    const renamed = await patch({ name: 'Acme Ltd' }, 1);
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.deepEqual(renamed.body.analysis, { segment });
    const tagged = await patch({ tags: ['VIP'] }, 2);
    assert.deepEqual(tagged.body.analysis, { segment });
    const termed = await patch({ creditLimit: { amountMinor: 500_000, currency: 'EUR' } }, 3);
    assert.equal(termed.status, 200, JSON.stringify(termed.body));
    assert.deepEqual(termed.body.analysis, { segment });
    assert.deepEqual((await read()).body.analysis, { segment });
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: customerKey(tenant, customer.id) }),
    );
    assert.deepEqual(Item?.analysis, { segment });
  });
});
