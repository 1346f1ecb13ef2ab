import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { functions, scheduledJob, streamConsumer, TIMELINE_EVENT_INSERTS } from '../../functions/manifest';

describe('the manifest’s builders for stream consumers and scheduled jobs', () => {
  it('a stream consumer starts from the stream defaults; what it gives wins', () => {
    const plain = streamConsumer('c', 'functions/c.ts', { filters: [TIMELINE_EVENT_INSERTS] }, {});
    assert.deepEqual(plain, {
      kind: 'stream',
      name: 'c',
      entry: 'functions/c.ts',
      source: {
        table: 'domain',
        filters: [TIMELINE_EVENT_INSERTS],
        batchSize: 25,
        batchingWindowSeconds: 1,
        retryAttempts: 3,
        bisectOnError: true,
        maxRecordAgeSeconds: 86_400,
        onFailure: 'dead-letter-queue',
      },
      tables: {},
      memoryMb: 1024,
      timeoutSeconds: 60,
    });
    const tuned = streamConsumer(
      'd',
      'functions/d.ts',
      { filters: [], batchSize: 100, bisectOnError: false },
      { events: ['PutItem'] },
      {
        publishesEvents: true,
        cursors: true,
        workflow: { orderLifecycle: ['StartExecution'] },
        memoryMb: 512,
        timeoutSeconds: 5,
      },
    );
    assert.equal(tuned.source.batchSize, 100);
    assert.equal(tuned.source.bisectOnError, false);
    assert.equal(tuned.source.retryAttempts, 3);
    assert.deepEqual(
      { publishesEvents: tuned.publishesEvents, cursors: tuned.cursors, workflow: tuned.workflow },
      { publishesEvents: true, cursors: true, workflow: { orderLifecycle: ['StartExecution'] } },
    );
    assert.deepEqual([tuned.memoryMb, tuned.timeoutSeconds], [512, 5]);
  });

  it('a scheduled job runs in UTC with an empty payload unless told otherwise', () => {
    const plain = scheduledJob('j', 'functions/j.ts', { expression: 'rate(1 hour)' }, {});
    assert.deepEqual(plain.schedule, { expression: 'rate(1 hour)', timeZone: 'UTC', payload: {} });
    assert.deepEqual([plain.memoryMb, plain.timeoutSeconds], [1024, 300]);
    const tuned = scheduledJob(
      'k',
      'functions/k.ts',
      { expression: 'cron(0 2 * * ? *)', timeZone: 'Europe/Berlin', payload: { all: true } },
      { domain: ['Query'] },
      { memoryMb: 2048, timeoutSeconds: 900 },
    );
    assert.deepEqual(tuned.schedule, {
      expression: 'cron(0 2 * * ? *)',
      timeZone: 'Europe/Berlin',
      payload: { all: true },
    });
    assert.deepEqual([tuned.memoryMb, tuned.timeoutSeconds], [2048, 900]);
  });

  it('the manifest’s names are unique across every kind', () => {
    const names = functions.map((fn) => (fn.kind === 'http' ? fn.operation.operationId : fn.name));
    assert.equal(new Set(names).size, names.length);
  });
});
