import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { functionName, streamFunctions } from '../../functions/manifest';
import { matchesAnyFilter } from '../../local/streams/filter';
import { createTestTables } from '../support/database';
import { fakeContext, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';
import { streamRecord } from '../support/stream-records';

/**
 * The consumer that runs queued analysis runs: which stream records reach it (only the INSERT of a
 * QUEUED run), and that a record it gets is run to its end as the run it holds, releasing the
 * tenant's lock — as its manifest function, so local IAM checks the run's requests against its
 * grants.
 */
const tables = await createTestTables();
const counter = requestCounter(tables);
afterAll(() => tables.drop());

const { handler: create } = await import('../../functions/analysis/runs/create');
const { handler: start, runOfImage } = await import('../../functions/analysis/runs/start-runs');
const { activeRunKey } = await import('../../functions/analysis/runs/active-lock');
const { runKey } = await import('../../functions/analysis/runs/keys');
const { documentClient } = await import('../../functions/shared/db/client');

const consumer = streamFunctions.find((fn) => functionName(fn) === 'startAnalysisRuns');
const runItem = async (tenantId: string, runId: string) =>
  (
    await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: runKey(tenantId, runId), ConsistentRead: true }),
    )
  ).Item as Record<string, unknown>;

describe('startAnalysisRuns', () => {
  it('gets the INSERT of a queued run and nothing else', async () => {
    assert.ok(consumer);
    assert.equal(consumer.source.batchSize, 1);
    assert.equal(consumer.source.retryAttempts, 1);
    assert.deepEqual([consumer.timeoutSeconds, consumer.memoryMb], [900, 3008]);
    const tenantId = uniqueTenant('st');
    const queued = await invoke(create, {
      routeKey: 'POST /v1/analysis/runs',
      body: {},
      principal: principal(tenantId, ['analyst']),
    });
    const item = await runItem(tenantId, queued.body.id);
    const filters = consumer.source.filters;
    assert.equal(matchesAnyFilter(filters, streamRecord(item, 'INSERT')), true);
    assert.equal(matchesAnyFilter(filters, streamRecord({ ...item, status: 'RUNNING' }, 'MODIFY')), false);
    assert.equal(matchesAnyFilter(filters, streamRecord({ ...item, status: 'FAILED' }, 'MODIFY')), false);
    assert.equal(
      matchesAnyFilter(filters, streamRecord({ ...item, entity: 'ANALYSIS_RESULT' }, 'INSERT')),
      false,
    );
  });

  it('runs the run its record holds to its end, as the stored run, and frees the tenant', async () => {
    const tenantId = uniqueTenant('st');
    const analyst = principal(tenantId, ['analyst']);
    const queued = await invoke(create, {
      routeKey: 'POST /v1/analysis/runs',
      body: { seed: 5 },
      principal: analyst,
    });
    assert.equal(queued.status, 202);
    const item = await runItem(tenantId, queued.body.id);
    const run = runOfImage(item);
    assert.equal(run.tenantId, tenantId);
    assert.equal((run as unknown as Record<string, unknown>).pk, undefined, 'no keys');

    const { response } = await counter.run('startAnalysisRuns', () =>
      start({ Records: [streamRecord(item, 'INSERT')] }, fakeContext()),
    );
    assert.deepEqual(response, { batchItemFailures: [] });
    const after = await runItem(tenantId, queued.body.id);
    assert.ok(['SUCCEEDED', 'FAILED'].includes(String(after.status)), String(after.status));
    assert.equal((after.parameters as { seed: number }).seed, 5);
    const { Item: lock } = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: activeRunKey(tenantId), ConsistentRead: true }),
    );
    assert.equal(lock, undefined, 'the lock went with the run’s last write');
    const next = await invoke(create, { routeKey: 'POST /v1/analysis/runs', body: {}, principal: analyst });
    assert.equal(next.status, 202);
  });
});
