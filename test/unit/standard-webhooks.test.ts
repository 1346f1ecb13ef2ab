import assert from 'node:assert/strict';
import { WebhookVerificationError as PackageRefusal, Webhook } from 'standardwebhooks';
import { describe, it } from 'vitest';
import {
  newWebhookSecret,
  signedHeaders,
  verify,
  WebhookVerificationError,
} from '../../functions/shared/signing/standard-webhooks';

/**
 * Orderly's Standard Webhooks signing against the reference implementation (the `standardwebhooks`
 * package), both ways: what Orderly signs the package verifies, what the package signs Orderly
 * verifies, and both refuse the same tampering. The package reads the clock itself, so messages
 * here are signed at the present second.
 */
const body = JSON.stringify({
  type: 'order.shipped',
  timestamp: '2026-03-01T10:00:00.000Z',
  data: { orderId: '01JORDER', note: 'Grüße, 東京 🚚' },
});
const id = 'msg_01JORDER.000004';
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The headers the package would send: its signatures joined as the specification joins them. */
function referenceHeaders(secrets: string[], msgId: string, at: Date, payload: string) {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(msgId, at, payload)).join(' '),
  };
}

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WebhookVerificationError, String(error));
    return error.reason;
  }
  assert.fail('verified');
};

describe('Standard Webhooks interop with the reference package', () => {
  it('signs what the package verifies, byte for byte over a non-ASCII body', () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders([secret], id, nowSeconds(), body);
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
  });

  it('verifies what the package signs, header names in any case', () => {
    const secret = newWebhookSecret();
    const now = new Date();
    const headers = referenceHeaders([secret], id, now, body);
    assert.deepEqual(verify([secret], headers, body, now), {
      id,
      timestampSeconds: Math.floor(now.getTime() / 1000),
    });
    const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    assert.equal(verify([secret], shouted, body, now).id, id);
  });

  it('during a rotation signs twice: a receiver holding only the old or only the new secret verifies', () => {
    const [oldSecret, newSecret, otherSecret] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
    const headers = signedHeaders([newSecret, oldSecret], id, nowSeconds(), body);
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    assert.deepEqual(new Webhook(oldSecret).verify(body, headers), JSON.parse(body));
    assert.deepEqual(new Webhook(newSecret).verify(body, headers), JSON.parse(body));
    assert.throws(() => new Webhook(otherSecret).verify(body, headers), PackageRefusal);
  });

  it('accepts a message the package signed with either of two secrets when it holds either', () => {
    const [oldSecret, newSecret] = [newWebhookSecret(), newWebhookSecret()];
    const now = new Date();
    const both = referenceHeaders([newSecret, oldSecret], id, now, body);
    assert.equal(verify([oldSecret], both, body, now).id, id);
    assert.equal(verify([newSecret], both, body, now).id, id);
    // A receiver in the overlap holds both; a message signed with the old one alone still passes.
    assert.equal(
      verify([newSecret, oldSecret], referenceHeaders([oldSecret], id, now, body), body, now).id,
      id,
    );
  });

  it('both refuse a tampered body, a wrong secret and another id', () => {
    const secret = newWebhookSecret();
    const now = new Date();
    const ours = signedHeaders([secret], id, Math.floor(now.getTime() / 1000), body);
    const theirs = referenceHeaders([secret], id, now, body);
    const tampered = body.replace('order.shipped', 'order.delivered');
    assert.throws(() => new Webhook(secret).verify(tampered, ours), PackageRefusal);
    assert.equal(
      reasonOf(() => verify([secret], theirs, tampered, now)),
      'bad-signature',
    );
    assert.throws(() => new Webhook(newWebhookSecret()).verify(body, ours), PackageRefusal);
    assert.equal(
      reasonOf(() => verify([newWebhookSecret()], theirs, body, now)),
      'bad-signature',
    );
    assert.equal(
      reasonOf(() => verify([secret], { ...theirs, 'webhook-id': `${id}x` }, body, now)),
      'bad-signature',
    );
  });

  it('both refuse a timestamp more than five minutes off, either way', () => {
    const secret = newWebhookSecret();
    const now = new Date();
    for (const offsetSeconds of [-301, 301]) {
      const at = new Date(now.getTime() + offsetSeconds * 1000);
      const ours = signedHeaders([secret], id, Math.floor(at.getTime() / 1000), body);
      assert.throws(() => new Webhook(secret).verify(body, ours), PackageRefusal);
      const theirs = referenceHeaders([secret], id, at, body);
      assert.equal(
        reasonOf(() => verify([secret], theirs, body, now)),
        'stale-timestamp',
      );
    }
    // Within the tolerance both accept.
    const edge = new Date(now.getTime() - 290_000);
    assert.equal(verify([secret], referenceHeaders([secret], id, edge, body), body, now).id, id);
  });

  it('refuses missing headers and a timestamp that is not Unix seconds', () => {
    const secret = newWebhookSecret();
    const now = new Date();
    const headers = referenceHeaders([secret], id, now, body);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const { [name]: _dropped, ...rest } = headers;
      assert.equal(
        reasonOf(() => verify([secret], rest, body, now)),
        'missing-headers',
      );
      assert.throws(() => new Webhook(secret).verify(body, rest), PackageRefusal);
    }
    assert.equal(
      reasonOf(() =>
        verify([secret], { ...headers, 'webhook-timestamp': `${now.toISOString()}` }, body, now),
      ),
      'bad-timestamp',
    );
  });

  it('makes secrets the package takes: whsec_ and 32 random bytes, never twice the same', () => {
    const secret = newWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32);
    assert.notEqual(newWebhookSecret(), secret);
    assert.doesNotThrow(() => new Webhook(secret));
  });
});
