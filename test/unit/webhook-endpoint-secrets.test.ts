import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  liveSecrets,
  rotatedSecrets,
  SECRET_OVERLAP_ENV,
  secretOverlapSeconds,
} from '../../functions/webhooks/endpoints/endpoint-secrets';

const now = new Date('2026-03-01T12:00:00.000Z');
const first = { sealed: 's1', createdAt: '2026-01-01T00:00:00.000Z' };

describe('rotating an endpoint’s signing secret', () => {
  it('makes the new secret current and keeps the previous one until the overlap ends', () => {
    const rotated = rotatedSecrets([first], 's2', now, 86_400);
    assert.deepEqual(rotated, {
      secrets: [
        { sealed: 's2', createdAt: '2026-03-01T12:00:00.000Z' },
        { sealed: 's1', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-03-02T12:00:00.000Z' },
      ],
      previousExpiresAt: '2026-03-02T12:00:00.000Z',
    });
  });

  it('drops the oldest when rotated again within the overlap: never more than two', () => {
    const once = rotatedSecrets([first], 's2', now, 86_400).secrets;
    const later = new Date(now.getTime() + 3_600_000);
    const twice = rotatedSecrets(once, 's3', later, 86_400);
    assert.deepEqual(
      twice.secrets.map((s) => s.sealed),
      ['s3', 's2'],
    );
    assert.equal(twice.secrets[1]?.expiresAt, '2026-03-02T13:00:00.000Z');
  });

  it('keeps no previous secret when the overlap is zero', () => {
    assert.deepEqual(rotatedSecrets([first], 's2', now, 0), {
      secrets: [{ sealed: 's2', createdAt: '2026-03-01T12:00:00.000Z' }],
    });
  });
});

describe('the secrets that sign', () => {
  it('are the current one and a previous one until its expiry (exclusive)', () => {
    const secrets = rotatedSecrets([first], 's2', now, 60).secrets;
    assert.deepEqual(
      liveSecrets(secrets, now).map((s) => s.sealed),
      ['s2', 's1'],
    );
    const expiry = new Date(now.getTime() + 60_000);
    assert.deepEqual(
      liveSecrets(secrets, new Date(expiry.getTime() - 1)).map((s) => s.sealed),
      ['s2', 's1'],
    );
    assert.deepEqual(
      liveSecrets(secrets, expiry).map((s) => s.sealed),
      ['s2'],
    );
  });
});

describe('the overlap', () => {
  it('is 24 hours unless the environment gives whole seconds', () => {
    assert.equal(secretOverlapSeconds({}), 86_400);
    assert.equal(secretOverlapSeconds({ [SECRET_OVERLAP_ENV]: '' }), 86_400);
    assert.equal(secretOverlapSeconds({ [SECRET_OVERLAP_ENV]: '5' }), 5);
    assert.equal(secretOverlapSeconds({ [SECRET_OVERLAP_ENV]: '0' }), 0);
    for (const bad of ['-1', '1.5', 'a day'])
      assert.throws(() => secretOverlapSeconds({ [SECRET_OVERLAP_ENV]: bad }), /whole seconds/);
  });
});
