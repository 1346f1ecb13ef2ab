import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'vitest';
import {
  DEFAULT_TOLERANCE_SECONDS,
  newWebhookSecret,
  SECRET_PREFIX,
  sign,
  signedHeaders,
  verify,
  WebhookVerificationError,
} from '../../functions/shared/signing/standard-webhooks';

/**
 * The edges of Standard Webhooks signing that the interop test does not reach: the exact tolerance
 * boundary (300 s accepted, 301 s refused, both ways), the 12-digit timestamp limit, secrets with and
 * without `whsec_` and their 16-byte minimum, signatures of other versions ignored, and each
 * refusal's reason and message. Expected signatures are computed here with node:crypto directly
 * from the specification's formula, not with `sign`.
 */
const SECRET_BYTES = Buffer.alloc(24, 7);
const SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;
const body = '{"hello":"world"}';
const at = 1_767_225_600; // 2026-01-01T00:00:00Z
const now = new Date(at * 1000);

const specSignature = (key: Buffer, id: string, ts: number, payload: string) =>
  `v1,${createHmac('sha256', key).update(`${id}.${ts}.${payload}`).digest('base64')}`;

const headersFor = (signature: string, ts = at, id = 'msg_1') => ({
  'webhook-id': id,
  'webhook-timestamp': String(ts),
  'webhook-signature': signature,
});

function refusal(fn: () => unknown): { reason: string; message: string; name: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WebhookVerificationError, String(error));
    return { reason: error.reason, message: error.message, name: error.name };
  }
  assert.fail('verified');
}

describe('sign', () => {
  it('is v1, then base64 HMAC-SHA256 of id.timestamp.body under the secret’s bytes', () => {
    assert.equal(sign(SECRET, 'msg_1', at, body), specSignature(SECRET_BYTES, 'msg_1', at, body));
  });

  it('takes a secret without the whsec_ prefix as its base64 bytes', () => {
    assert.equal(sign(SECRET_BYTES.toString('base64'), 'msg_1', at, body), sign(SECRET, 'msg_1', at, body));
    assert.equal(SECRET_PREFIX, 'whsec_');
  });

  it('takes a secret of exactly 16 bytes and refuses 15', () => {
    const sixteen = Buffer.alloc(16, 1);
    assert.equal(
      sign(`whsec_${sixteen.toString('base64')}`, 'm', at, body),
      specSignature(sixteen, 'm', at, body),
    );
    assert.throws(() => sign(`whsec_${Buffer.alloc(15, 1).toString('base64')}`, 'm', at, body), {
      message: 'A webhook secret must hold at least 16 bytes',
    });
  });
});

describe('signedHeaders', () => {
  it('signs with every secret, in the order given, space-separated', () => {
    const other = Buffer.alloc(32, 9);
    const headers = signedHeaders([SECRET, `whsec_${other.toString('base64')}`], 'msg_2', at, body);
    assert.deepEqual(headers, {
      'webhook-id': 'msg_2',
      'webhook-timestamp': '1767225600',
      'webhook-signature': `${specSignature(SECRET_BYTES, 'msg_2', at, body)} ${specSignature(other, 'msg_2', at, body)}`,
    });
  });

  it('refuses to sign with no secret', () => {
    assert.throws(() => signedHeaders([], 'msg_2', at, body), { message: 'No secret to sign with' });
  });
});

describe('verify', () => {
  const good = specSignature(SECRET_BYTES, 'msg_1', at, body);

  it('accepts a timestamp exactly at the tolerance either way, and refuses one second beyond', () => {
    assert.equal(DEFAULT_TOLERANCE_SECONDS, 300);
    for (const offset of [-300, 300]) {
      const ts = at + offset;
      assert.deepEqual(
        verify([SECRET], headersFor(specSignature(SECRET_BYTES, 'msg_1', ts, body), ts), body, now),
        { id: 'msg_1', timestampSeconds: ts },
      );
    }
    for (const offset of [-301, 301]) {
      const ts = at + offset;
      assert.equal(
        refusal(() =>
          verify([SECRET], headersFor(specSignature(SECRET_BYTES, 'msg_1', ts, body), ts), body, now),
        ).reason,
        'stale-timestamp',
      );
    }
  });

  it('honours a tolerance given by the caller', () => {
    const ts = at - 10;
    const headers = headersFor(specSignature(SECRET_BYTES, 'msg_1', ts, body), ts);
    assert.equal(verify([SECRET], headers, body, now, 10).id, 'msg_1');
    assert.equal(refusal(() => verify([SECRET], headers, body, now, 9)).reason, 'stale-timestamp');
  });

  it('takes a timestamp of up to 12 digits only: 13 digits, a sign, a fraction or spaces are malformed', () => {
    for (const ts of ['1767225600000', '-1767225600', '1767225600.5', ' 1767225600', '1e9', ''])
      assert.equal(
        refusal(() => verify([SECRET], { ...headersFor(good), 'webhook-timestamp': ts }, body, now)).reason,
        ts === '' ? 'missing-headers' : 'bad-timestamp',
        ts,
      );
  });

  it('skips signatures of other versions and finds the v1 one among several', () => {
    const v2 = good.replace('v1,', 'v2,');
    assert.equal(refusal(() => verify([SECRET], headersFor(v2), body, now)).reason, 'bad-signature');
    assert.equal(verify([SECRET], headersFor(`v1a,xyz ${v2} ${good}`), body, now).id, 'msg_1');
  });

  it('refuses a signature that is a prefix of the right one, and an empty v1 signature', () => {
    const truncated = good.slice(0, 20);
    assert.equal(refusal(() => verify([SECRET], headersFor(truncated), body, now)).reason, 'bad-signature');
    assert.equal(refusal(() => verify([SECRET], headersFor('v1,'), body, now)).reason, 'bad-signature');
  });

  it('tries every secret it holds, and refuses when it holds none', () => {
    const other = newWebhookSecret();
    assert.equal(verify([other, SECRET], headersFor(good), body, now).id, 'msg_1');
    assert.equal(refusal(() => verify([], headersFor(good), body, now)).reason, 'bad-signature');
  });

  it('reads header names in any case, and an empty header as missing', () => {
    assert.equal(
      verify(
        [SECRET],
        { 'Webhook-Id': 'msg_1', 'WEBHOOK-TIMESTAMP': String(at), 'webhook-Signature': good },
        body,
        now,
      ).id,
      'msg_1',
    );
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const)
      assert.equal(
        refusal(() => verify([SECRET], { ...headersFor(good), [name]: '' }, body, now)).reason,
        'missing-headers',
        name,
      );
  });

  it('gives each refusal its name and message', () => {
    assert.deepEqual(
      refusal(() => verify([SECRET], {}, body, now)),
      {
        reason: 'missing-headers',
        message: 'webhook-id, webhook-timestamp and webhook-signature are required',
        name: 'WebhookVerificationError',
      },
    );
    assert.equal(
      refusal(() => verify([SECRET], { ...headersFor(good), 'webhook-timestamp': 'x' }, body, now)).message,
      'webhook-timestamp is not a Unix time in seconds',
    );
    assert.equal(
      refusal(() => verify([SECRET], headersFor(good, at + 1000), body, now)).message,
      'webhook-timestamp is outside the tolerance',
    );
    assert.equal(
      refusal(() => verify([SECRET], headersFor('v1,AAAA'), body, now)).message,
      'No signature matches',
    );
  });
});
