import assert from 'node:assert/strict';
import { functions } from '../../functions/manifest';
import { dynamodb } from '../../functions/shared/db/client';
import { tables } from '../../functions/shared/db/tables';
import { currentInvocation, installLocalIam } from '../../local/local-iam';
import { TwinStats } from '../../local/stats';

/**
 * Counts the DynamoDB requests handlers make in this process, per function, with every request
 * checked against the manifest's grants by the twin's local IAM (a request the manifest does not
 * grant fails, as it would in AWS). `names`: the test file's tables (`createTestTables`).
 */
export function requestCounter(names: Record<(typeof tables)[number]['id'], string>) {
  const stats = new TwinStats();
  installLocalIam(
    dynamodb,
    Object.fromEntries(tables.map((table) => [names[table.id], table.id])),
    () => currentInvocation.getStore(),
    (name, command) => stats.record(name, command),
  );
  return {
    stats,
    /** Runs `send` as the manifest's function named `name` (an operation id or a task's name): what it answered, and its requests. */
    async run<T>(
      name: string,
      send: () => Promise<T>,
    ): Promise<{ response: T; byCommand: Record<string, number> }> {
      const fn = functions.find((f) => (f.kind === 'http' ? f.operation.operationId : f.name) === name);
      assert.ok(fn, `${name} is in the manifest`);
      stats.reset();
      const response = await currentInvocation.run({ fn, name }, send);
      return { response, byCommand: stats.snapshot().find((s) => s.function === name)?.byCommand ?? {} };
    },
  };
}
