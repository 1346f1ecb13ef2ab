import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { toDomainEvent } from '../../functions/events/envelope';
import { newId } from '../../functions/shared/ids';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { ALLOW_PRIVATE_WEBHOOK_URLS_ENV } from '../../functions/webhooks/url-policy';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';
import { meteredFunctions } from '../support/metered';
import { timelineItem } from '../support/stream-records';

/**
 * A redelivery of a delivery that is still pending, measured by AWS's rules (test/support/metered.ts):
 * the manifest's account of the function — the delivery and its endpoint read, nothing written.
 */
const tables = await createTestTables();
const metered = meteredFunctions(tables);
process.env[SECRET_KEY_ENV] = newLocalSecretKey();
process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
const { handler: redeliver } = await import('../../functions/webhooks/deliveries/redeliver');
const { createEndpoint } = await import('../../functions/webhooks/endpoints/store');
const { enqueue } = await import('../../functions/webhooks/delivery/queue');
const { orderEventMessage } = await import('../../functions/webhooks/delivery/message');
const { deliveryIdOf } = await import('../../functions/webhooks/delivery/keys');
afterAll(() => tables.drop());

describe('redelivering a pending delivery', () => {
  it('is a 409 decided on the one strongly consistent read of the delivery; nothing is written', async () => {
    const tenantId = uniqueTenant('wh');
    const { record: endpoint } = await createEndpoint(
      tenantId,
      // Never connected to: the delivery is only queued here, never attempted.
      { url: 'http://127.0.0.1:9/hooks', eventTypes: ['order.*'], enabled: true },
      new Date(),
    );
    const event = toDomainEvent(timelineItem(tenantId, newId(), 1, new Date()));
    assert.ok(await enqueue(tenantId, endpoint.id, orderEventMessage(event), new Date()));
    const deliveryId = deliveryIdOf(endpoint.id, event.id);

    const { response, byCommand, readUnits, writeUnits } = await metered.run('redeliverWebhook', () =>
      invoke(redeliver, {
        routeKey: 'POST /v1/webhooks/deliveries/{deliveryId}/redeliver',
        pathParameters: { deliveryId },
        principal: principal(tenantId),
      }),
    );
    assert.equal(response.status, 409);
    assert.equal(response.body.type, 'urn:orderly:problem:webhook-delivery-pending');
    // The delivery, then its endpoint: two small items, each read strongly (1 unit; an eventually
    // consistent read would be half). DynamoDB Local is consistent either way; AWS is not.
    assert.deepEqual(byCommand, { GetItemCommand: 2 });
    assert.equal(readUnits, 2);
    assert.equal(writeUnits, 0);
  });
});
