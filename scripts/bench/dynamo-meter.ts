import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { currentInvocation } from '../../local/lambda-runtime';
import { TRANSACTION_UNIT_FACTOR } from './aws-prices';

interface Meter {
  requests: number;
  readUnits: number;
  writeUnits: number;
  byCommand: Record<string, number>;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const TRANSACTIONS = new Set(['TransactWriteItems', 'TransactGetItems']);

/**
 * Counts DynamoDB requests and the capacity units DynamoDB Local reports, per function of the
 * twin (asks every request for ReturnConsumedCapacity). Benchmark-only instrumentation.
 */
export function meterDynamoDb(client: DynamoDBClient) {
  const meters = new Map<string, Meter>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const invocation = currentInvocation.getStore();
      const command = (context.commandName ?? '').replace(/Command$/, '');
      if (!invocation) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      const factor = TRANSACTIONS.has(command) ? TRANSACTION_UNIT_FACTOR : 1;
      const meter = meters.get(invocation.name) ?? {
        requests: 0,
        readUnits: 0,
        writeUnits: 0,
        byCommand: {},
      };
      meter.requests++;
      meter.byCommand[command] = (meter.byCommand[command] ?? 0) + 1;
      if (WRITES.has(command)) meter.writeUnits += units * factor;
      else meter.readUnits += units * factor;
      meters.set(invocation.name, meter);
      return result;
    },
    { step: 'initialize', name: 'benchDynamoMeter', override: true },
  );
  return meters;
}
