import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { DEFAULT_RETRY_DELAYS_SECONDS, deliverySettings } from '../../functions/webhooks/delivery/config';
import { DUE_SHARDS, dueBound, dueKey, dueShardOf } from '../../functions/webhooks/delivery/keys';
import { endpointDisabledMessage } from '../../functions/webhooks/delivery/message';
import {
  failingTooLong,
  nextAttemptAt,
  truncatedBody,
  verdictOf,
} from '../../functions/webhooks/delivery/schedule';

const NOW = new Date('2026-03-01T10:00:00.000Z');

describe('webhook delivery schedule', () => {
  it('reads 2xx as delivered, 410 as gone, anything else as a retry', () => {
    assert.deepEqual([200, 204, 299, 410, 301, 404, 429, 500, 503, undefined].map(verdictOf), [
      'succeeded',
      'succeeded',
      'succeeded',
      'gone',
      'retry',
      'retry',
      'retry',
      'retry',
      'retry',
      'retry',
    ]);
  });

  it('retries immediately, after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up', () => {
    assert.deepEqual(DEFAULT_RETRY_DELAYS_SECONDS, [0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    const retryAfter = (made: number) => nextAttemptAt(made, DEFAULT_RETRY_DELAYS_SECONDS, NOW);
    assert.equal(retryAfter(1), '2026-03-01T10:00:05.000Z');
    assert.equal(retryAfter(2), '2026-03-01T10:05:00.000Z');
    assert.equal(retryAfter(7), '2026-03-01T20:00:00.000Z');
    assert.equal(retryAfter(8), undefined, 'eight attempts in all');
  });

  it('takes its settings from the environment, with the documented defaults', () => {
    assert.deepEqual(deliverySettings({}), {
      timeoutMs: 10_000,
      retryDelaysSeconds: DEFAULT_RETRY_DELAYS_SECONDS,
      disableAfterMs: 5 * 86_400_000,
      inlineBudgetMs: 2000,
    });
    const set = deliverySettings({
      ORDERLY_WEBHOOK_TIMEOUT_MS: '500',
      ORDERLY_WEBHOOK_RETRY_DELAYS: '0, 1,2',
      ORDERLY_WEBHOOK_DISABLE_AFTER_DAYS: '1',
      ORDERLY_WEBHOOK_INLINE_BUDGET_MS: '0',
    });
    assert.deepEqual(set, {
      timeoutMs: 500,
      retryDelaysSeconds: [0, 1, 2],
      disableAfterMs: 86_400_000,
      inlineBudgetMs: 0,
    });
    assert.throws(() => deliverySettings({ ORDERLY_WEBHOOK_RETRY_DELAYS: '0,soon' }), /comma-separated/);
    assert.throws(() => deliverySettings({ ORDERLY_WEBHOOK_TIMEOUT_MS: '-1' }), /non-negative/);
  });

  it('gives an endpoint up once its failing streak is as old as the limit', () => {
    const day = 86_400_000;
    assert.equal(failingTooLong(undefined, NOW, 5 * day), false);
    assert.equal(failingTooLong(new Date(NOW.getTime() - 5 * day + 1).toISOString(), NOW, 5 * day), false);
    assert.equal(failingTooLong(new Date(NOW.getTime() - 5 * day).toISOString(), NOW, 5 * day), true);
  });

  it('keeps the first KiB of an answer, marked when cut, never half a character', () => {
    assert.equal(truncatedBody(Buffer.from('ok')), 'ok');
    const long = truncatedBody(Buffer.from('x'.repeat(1023) + 'é'.repeat(10)));
    assert.equal(long, `${'x'.repeat(1023)}…`);
  });

  it('keeps a lane in one due shard, sorted by due time', () => {
    const lane = { tenantId: 't1', endpointId: 'E', laneId: 'O' };
    const shard = dueShardOf(lane);
    assert.ok(shard >= 0 && shard < DUE_SHARDS);
    assert.equal(dueKey(lane, NOW.toISOString()).pk, `SYS#WEBHOOK_DUE#${shard}`);
    assert.equal(dueKey(lane, NOW.toISOString()).sk, '2026-03-01T10:00:00.000Z#t1#E#O');
    assert.ok(dueKey(lane, NOW.toISOString()).sk < dueBound(NOW));
    assert.ok(dueKey(lane, '2026-03-01T10:00:00.001Z').sk > dueBound(NOW));
  });

  it('names an endpoint-disabled notice by the endpoint and the time, in a lane of its own', () => {
    const message = endpointDisabledMessage({
      endpointId: 'E1',
      url: 'https://example.com/h',
      reason: 'gone',
      disabledAt: '2026-03-01T10:00:00.000Z',
    });
    assert.equal(message.webhookId, `E1.disabled.${NOW.getTime()}`);
    assert.equal(message.laneId, 'disabled.E1');
    assert.deepEqual(JSON.parse(message.body), {
      id: message.webhookId,
      type: 'webhook.endpoint_disabled',
      timestamp: '2026-03-01T10:00:00.000Z',
      subject: 'webhooks/endpoints/E1',
      data: {
        endpointId: 'E1',
        url: 'https://example.com/h',
        reason: 'gone',
        disabledAt: '2026-03-01T10:00:00.000Z',
      },
    });
  });
});
