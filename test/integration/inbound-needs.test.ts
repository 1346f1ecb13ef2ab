import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, it } from 'vitest';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { newWebhookSecret } from '../../functions/shared/signing/standard-webhooks';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * POST /v1/inbound/needs/{sourceId}: a form or survey tool pushes needs, signed per Standard
 * Webhooks; each webhook-id creates one need, in the source's tenant, as POST /v1/needs would.
 */
const tables = await createTestTables();
process.env[SECRET_KEY_ENV] = newLocalSecretKey();
const { setUpTenant } = await import('../support/orders');
const { createSource } = await import('../../functions/inbound/store');
const { handler: inbound } = await import('../../functions/inbound/needs');
const { handler: list } = await import('../../functions/needs/list');
const requests = requestCounter(tables);
afterAll(() => tables.drop());

let counter = 0;

async function send(
  sourceId: string,
  message: unknown,
  secret: string,
  id = `form-${process.pid}-${counter++}`,
) {
  const at = new Date();
  const body = JSON.stringify(message);
  const { response } = await requests.run('receiveNeed', () =>
    invoke(inbound, {
      routeKey: 'POST /v1/inbound/needs/{sourceId}',
      path: `/v1/inbound/needs/${sourceId}`,
      pathParameters: { sourceId },
      body,
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(id, at, body),
      },
    }),
  );
  return { ...response, id };
}

const submitted = (data: Record<string, unknown>) => ({
  type: 'need.submitted',
  timestamp: new Date().toISOString(),
  data,
});

const needsOf = async (tenantId: string) =>
  (await invoke(list, { routeKey: 'GET /v1/needs', principal: principal(tenantId, ['admin']) })).body
    .items as { id: string; title: string }[];

describe('inbound needs', () => {
  it('creates a need once per webhook-id, with the source’s channel, as the source', async () => {
    const t = await setUpTenant();
    const { source, secret } = await createSource(
      t.tenantId,
      { kind: 'needs', channel: 'survey' },
      new Date(),
    );
    const message = submitted({
      customerId: t.customerId,
      title: 'Wants next-day delivery',
      externalRef: 'resp-1',
    });
    const first = await send(source.id, message, secret);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.channel, 'survey');
    assert.equal(first.body.createdBy, `source:${source.id}`);
    assert.equal(first.headers.location, `/v1/needs/${first.body.id}`);

    const again = await send(source.id, message, secret, first.id);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body.id, first.body.id);
    assert.deepEqual(
      (await needsOf(t.tenantId)).map((n) => n.id),
      [first.body.id],
    );

    // A channel in the message wins over the source's.
    const called = await send(
      source.id,
      submitted({ customerId: t.customerId, title: 'Call back', channel: 'call' }),
      secret,
    );
    assert.equal(called.status, 201);
    assert.equal(called.body.channel, 'call');
  });

  it('refuses an unsigned message (401), a need without a channel (400) and another tenant’s customer (422)', async () => {
    const t = await setUpTenant();
    const other = await setUpTenant();
    const bare = await createSource(t.tenantId, { kind: 'needs' }, new Date());
    const unsigned = await send(
      bare.source.id,
      submitted({ customerId: t.customerId, title: 'x', channel: 'call' }),
      newWebhookSecret(),
    );
    assert.equal(unsigned.status, 401);
    const noChannel = await send(
      bare.source.id,
      submitted({ customerId: t.customerId, title: 'x' }),
      bare.secret,
    );
    assert.equal(noChannel.status, 400, JSON.stringify(noChannel.body));
    assert.equal(noChannel.body.errors[0].field, 'body.data.channel');
    const foreign = await send(
      bare.source.id,
      submitted({ customerId: other.customerId, title: 'x', channel: 'call' }),
      bare.secret,
    );
    assert.equal(foreign.status, 422, JSON.stringify(foreign.body));
    assert.deepEqual(await needsOf(t.tenantId), []);
    assert.deepEqual(await needsOf(other.tenantId), []);

    // A fulfilment source's id and secret do not open the needs route.
    const partner = await createSource(t.tenantId, { kind: 'fulfilment', partnerId: 'in-house' }, new Date());
    const crossed = await send(
      partner.source.id,
      submitted({ customerId: t.customerId, title: 'x', channel: 'call' }),
      partner.secret,
    );
    assert.equal(crossed.status, 401);
    assert.deepEqual(await needsOf(t.tenantId), []);
  });
});
