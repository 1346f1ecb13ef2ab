import assert from 'node:assert/strict';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeEach, describe, it } from 'vitest';
import { InvalidSignatureError } from '../../functions/inbound/errors';
import { sourceLookupKey } from '../../functions/inbound/keys';
import { createSource, readSourceLookup, rotateSourceSecret } from '../../functions/inbound/store';
import { verifyMessage } from '../../functions/inbound/verify-message';
import { documentClient, domainTableName } from '../../functions/shared/db/client';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { newWebhookSecret, signedHeaders } from '../../functions/shared/signing/standard-webhooks';
import { createTestTables } from '../support/database';
import { uniqueTenant } from '../support/invoke';

/**
 * `verifyMessage` on its own, against sources in DynamoDB Local: a message signed with the source's
 * secret verifies and binds the source's tenant and partner; each refusal is a 401 with the detail
 * of its reason; an unknown source, a malformed id (not even read) and a source of the other kind
 * answer as a wrong signature; after a rotation both secrets verify; a sealed secret copied onto
 * another source does not open there (not even from the opened-secret cache); and a secret that
 * could not be opened once (no key) is not remembered as failed.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

let savedKey: string | undefined;
beforeEach(() => {
  savedKey = process.env[SECRET_KEY_ENV];
  process.env[SECRET_KEY_ENV] ??= newLocalSecretKey();
});
afterEach(() => {
  if (savedKey === undefined) delete process.env[SECRET_KEY_ENV];
  else process.env[SECRET_KEY_ENV] = savedKey;
});

const body = JSON.stringify({ type: 'fulfilment.delivered', data: { orderId: '01JORDER' } });
let n = 0;
const signed = (
  secret: string,
  at = new Date(),
  id = `msg_${process.pid}_${n++}`,
): Record<string, string | undefined> => ({
  ...signedHeaders([secret], id, Math.floor(at.getTime() / 1000), body),
});

/** The 401 detail of a refused message. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof InvalidSignatureError, String(error));
    assert.equal(error.statusCode, 401);
    assert.equal(error.type, 'invalid-signature');
    return error.detail;
  }
  assert.fail('verified');
}

const BAD_SIGNATURE = 'No signature matches a secret of this source.';

/** Counts the GetItem requests this process sends (a middleware that only observes). */
function countReads() {
  const name = `count-reads-${n++}`;
  const counter = { count: 0, remove: () => documentClient.middlewareStack.remove(name) };
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (['GetCommand', 'GetItemCommand'].includes(String(context.commandName))) counter.count++;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return counter;
}

describe('verifyMessage', () => {
  it('verifies a message signed with the source’s secret and names the source and webhook id', async () => {
    const tenantId = uniqueTenant('iv');
    const { source, secret } = await createSource(
      tenantId,
      { kind: 'fulfilment', partnerId: 'dhl' },
      new Date(),
    );
    const now = new Date();
    const headers = signed(secret, now, 'msg_ok_1');
    const verified = await verifyMessage('fulfilment', source.id, headers, body, now);
    assert.equal(verified.webhookId, 'msg_ok_1');
    assert.equal(verified.source.sourceId, source.id);
    assert.equal(verified.source.tenantId, tenantId);
    assert.equal(verified.source.partnerId, 'dhl');
    assert.equal(verified.source.kind, 'fulfilment');
  });

  it('gives each refusal its own detail', async () => {
    const { source, secret } = await createSource(uniqueTenant('iv'), { kind: 'needs' }, new Date());
    const now = new Date();
    const good = signed(secret, now);
    assert.equal(
      await refusal(verifyMessage('needs', source.id, { ...good, 'webhook-id': undefined }, body, now)),
      'Sign the message: webhook-id, webhook-timestamp and webhook-signature are required.',
    );
    assert.equal(
      await refusal(verifyMessage('needs', source.id, { ...good, 'webhook-timestamp': 'soon' }, body, now)),
      'webhook-timestamp must be the Unix time in seconds.',
    );
    assert.equal(
      await refusal(verifyMessage('needs', source.id, good, body, new Date(now.getTime() + 301_000))),
      'webhook-timestamp is more than five minutes from our clock: sign each attempt afresh.',
    );
    assert.equal(await refusal(verifyMessage('needs', source.id, good, `${body} `, now)), BAD_SIGNATURE);
  });

  it('answers an unknown source, a malformed id and a source of the other kind as a wrong signature', async () => {
    const { source, secret } = await createSource(uniqueTenant('iv'), { kind: 'needs' }, new Date());
    const now = new Date();
    assert.equal(
      await refusal(verifyMessage('fulfilment', source.id, signed(secret, now), body, now)),
      BAD_SIGNATURE,
    );
    assert.equal(
      await refusal(verifyMessage('needs', '01J00000000000000000000000', signed(secret, now), body, now)),
      BAD_SIGNATURE,
    );
    const reads = countReads();
    try {
      assert.equal(
        await refusal(verifyMessage('needs', 'not-a-ulid', signed(secret, now), body, now)),
        BAD_SIGNATURE,
      );
      assert.equal(reads.count, 0, 'a malformed id is not even looked up');
      await refusal(verifyMessage('needs', '01J00000000000000000000000', signed(secret, now), body, now));
      assert.equal(reads.count, 1, 'a well-formed one is: one GetItem');
    } finally {
      reads.remove();
    }
    // An unknown source refuses missing headers as a known one does.
    assert.equal(
      await refusal(verifyMessage('needs', '01J00000000000000000000000', {}, body, now)),
      'Sign the message: webhook-id, webhook-timestamp and webhook-signature are required.',
    );
  });

  it('after a rotation verifies the previous and the new secret, never another', async () => {
    const tenantId = uniqueTenant('iv');
    const { source, secret: previous } = await createSource(tenantId, { kind: 'needs' }, new Date());
    const { secret: current } = await rotateSourceSecret(tenantId, source.id, new Date(), 3600);
    const now = new Date();
    assert.equal(
      (await verifyMessage('needs', source.id, signed(previous, now, 'm-prev'), body, now)).webhookId,
      'm-prev',
    );
    assert.equal(
      (await verifyMessage('needs', source.id, signed(current, now, 'm-cur'), body, now)).webhookId,
      'm-cur',
    );
    assert.equal(
      await refusal(verifyMessage('needs', source.id, signed(newWebhookSecret(), now), body, now)),
      BAD_SIGNATURE,
    );
  });

  it('does not open a sealed secret copied onto another source, even one opened before for its own', async () => {
    const tenantId = uniqueTenant('iv');
    const a = await createSource(tenantId, { kind: 'needs' }, new Date());
    const b = await createSource(tenantId, { kind: 'needs' }, new Date());
    const now = new Date();
    // A's secret is opened (and cached) for A.
    await verifyMessage('needs', a.source.id, signed(a.secret, now), body, now);
    const lookupA = await readSourceLookup(a.source.id);
    assert.ok(lookupA);
    await documentClient.send(
      new UpdateCommand({
        TableName: domainTableName(),
        Key: sourceLookupKey(b.source.id),
        UpdateExpression: 'SET secrets = :s',
        ExpressionAttributeValues: { ':s': lookupA.secrets },
      }),
    );
    await assert.rejects(verifyMessage('needs', b.source.id, signed(a.secret, now), body, now));
  });

  it('does not remember a secret it could not open: once the key is there, the source verifies', async () => {
    const { source, secret } = await createSource(uniqueTenant('iv'), { kind: 'needs' }, new Date());
    const key = process.env[SECRET_KEY_ENV];
    const now = new Date();
    delete process.env[SECRET_KEY_ENV];
    await assert.rejects(verifyMessage('needs', source.id, signed(secret, now), body, now), {
      message: `A locally sealed secret needs ${SECRET_KEY_ENV}`,
    });
    process.env[SECRET_KEY_ENV] = key;
    assert.equal(
      (await verifyMessage('needs', source.id, signed(secret, now, 'm-again'), body, now)).webhookId,
      'm-again',
    );
  });
});
