import assert from 'node:assert/strict';
import { functionName, functions } from '../../functions/manifest';
import { dynamodb } from '../../functions/shared/db/client';
import { tables } from '../../functions/shared/db/tables';
import { CAPACITY, type CapacityRecord, meterCapacity } from '../../local/capacity/meter';
import { currentInvocation, installLocalIam } from '../../local/local-iam';

/**
 * Runs handlers in this process as their manifest functions — local IAM checks every DynamoDB
 * request against the function's grants, as the twin does — and measures what they cost by AWS's
 * rules (local/capacity/meter.ts): requests per command, write and read units. The meter reads each
 * written item before and after its write, so it slows what it measures: figures, not timings.
 */
export function meteredFunctions(names: Record<(typeof tables)[number]['id'], string>) {
  const tableIds = Object.fromEntries(tables.map((table) => [names[table.id], table.id]));
  type Measured = { byCommand: Record<string, number>; writeUnits: number; readUnits: number };
  // Per run, so that runs at the same time are measured apart.
  const measuring = new WeakMap<object, Measured>();
  installLocalIam(
    dynamodb,
    tableIds,
    () => currentInvocation.getStore(),
    (_name, command, _ms, _error, context) => {
      const invocation = currentInvocation.getStore();
      const current = invocation && measuring.get(invocation);
      if (!current) return;
      current.byCommand[command] = (current.byCommand[command] ?? 0) + 1;
      const units = (context as Record<symbol, CapacityRecord | undefined>)[CAPACITY];
      current.writeUnits += units?.writeUnits ?? 0;
      current.readUnits += units?.readUnits ?? 0;
    },
  );
  meterCapacity(dynamodb, tableIds);
  return {
    async run<T>(name: string, send: () => Promise<T>) {
      const fn = functions.find((f) => functionName(f) === name);
      assert.ok(fn, `${name} is in the manifest`);
      const measured: Measured = { byCommand: {}, writeUnits: 0, readUnits: 0 };
      const invocation = { fn, name };
      measuring.set(invocation, measured);
      const response = await currentInvocation.run(invocation, send);
      return { response, ...measured };
    },
  };
}
