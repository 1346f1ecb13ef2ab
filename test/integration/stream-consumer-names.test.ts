import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, it, vi } from 'vitest';
import { functions, type StreamFunction } from '../../functions/manifest';
import { logger } from '../../functions/shared/logger';
import { createTestTables } from '../support/database';
import { fakeContext } from '../support/invoke';

/**
 * Every stream consumer of the manifest names itself in its log lines (the `consumer` key): on a
 * shared log group it is how an operator tells which consumer left a record for a retry or failed a
 * batch. Each is run as its Lambda would be, on a batch it cannot read, and its error lines are read.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

const consumers = functions.filter((fn): fn is StreamFunction => fn.kind === 'stream');
type Lambda = (event: { Records: DynamoDBRecord[] }, context: unknown) => Promise<unknown>;

describe('every stream consumer', () => {
  it('is one of the eight the manifest declares', () => {
    assert.deepEqual(consumers.map((fn) => fn.name).sort(), [
      'aggregateSales',
      'fanOutWebhooks',
      'linkNeedsToOrders',
      'projectEventFeed',
      'publishEvents',
      'registerAnalysisTenants',
      'startAnalysisRuns',
      'startOrderWorkflows',
    ]);
  });

  it.each(consumers.map((fn) => [fn.name, fn.entry]))(
    '%s names itself in its error lines',
    async (name, entry) => {
      const { handler } = (await import(pathToFileURL(`${process.cwd()}/${entry}`).href)) as {
        handler: Lambda;
      };
      const written: string[] = [];
      const level = logger.getLevelName();
      logger.setLogLevel('WARN');
      // A warm invocation sets the level back to the environment's (SILENT in tests): keep WARN.
      const keepLevel = vi.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined);
      const capture = (chunk: unknown) => {
        written.push(String(chunk));
        return true;
      };
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
      try {
        // A batch whose one record is null: no consumer can read it.
        await handler({ Records: [null as unknown as DynamoDBRecord] }, fakeContext()).catch(() => undefined);
      } finally {
        stdout.mockRestore();
        stderr.mockRestore();
        keepLevel.mockRestore();
        logger.setLogLevel(level);
      }
      const lines = written
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.ok(lines.length > 0, `${name} logged nothing`);
      for (const line of lines) assert.equal(line.consumer, name, JSON.stringify(line));
    },
  );
});
