/**
 * `npm run bench:reconciler -- [--orders 10000] [--stuck 10]`
 *
 * What one run of the stuck-order reconciler costs when few orders are stuck among many open
 * ones: `--orders` open orders in one DynamoDB Local table, of which `--stuck` are due (half with an
 * execution that ended, half owing a lost task-token answer) and the rest parked on a person or a
 * partner (their next look a day away). Prints the DynamoDB requests of the run by command, the
 * capacity units by AWS's rules (local/capacity/), the Step Functions calls, and the run's time —
 * next to what the twin's old resume-on-start (a Scan of the whole table) read.
 * Step Functions is a counting stand-in here: the reconciler's decisions, not the runner, are measured.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { domainTable } from '../functions/shared/db/tables';
import { localAwsEnv } from '../local/aws-env';
import { CAPACITY, type CapacityRecord, meterCapacity } from '../local/capacity/meter';
import { ensureTable } from '../local/create-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';

const { values } = parseArgs({
  options: { orders: { type: 'string', default: '10000' }, stuck: { type: 'string', default: '10' } },
});
const ORDERS = Number(values.orders);
const STUCK = Number(values.stuck);
const TABLE = 'bench-reconciler-domain';

const dynamo = await startDynamoDbLocal();
Object.assign(process.env, localAwsEnv(dynamo.endpoint), {
  DOMAIN_TABLE_NAME: TABLE,
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});
const admin = new DynamoDBClient({});
await ensureTable(admin, TABLE, domainTable);

// Imported after the environment names DynamoDB Local: the shared client reads it when created.
const { dynamodb, documentClient } = await import('../functions/shared/db/client');
const { reconcileAttributes } = await import('../functions/orders/reconcile-due');
const { reconcileOrders } = await import('../functions/workflow/reconcile');
const { orderKey, orderIndexAttributes } = await import('../functions/orders/keys');

const now = new Date();
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const orderItem = (i: number) => {
  const id = `01JF${String(i).padStart(22, '0')}`;
  const tenantId = `bench-${i % 20}`;
  const stuck = i < STUCK;
  const createdAt = minutesAgo(stuck ? 30 : 60).toISOString();
  const order = {
    id,
    customerId: '01JF0000000000000000CUSTOM',
    status: stuck && i % 2 ? 'SHIPPED' : 'IN_FULFILMENT',
    createdAt,
  } as const;
  return {
    ...orderKey(tenantId, id),
    ...orderIndexAttributes(tenantId, order),
    ...reconcileAttributes(tenantId, id, stuck ? minutesAgo(10) : new Date(now.getTime() + 86_400_000)),
    entity: 'ORDER',
    tenantId,
    ...order,
    number: `SO-2026-${String(i).padStart(6, '0')}`,
    version: 7,
    currency: 'EUR',
    total: { amountMinor: 125_000, currency: 'EUR' },
    lines: [1, 2, 3].map((n) => ({
      sku: `SKU-${n}`,
      productId: `01JF00000000000000000PROD${n}`,
      name: `Product ${n}`,
      quantity: n,
      unitPrice: { amountMinor: 25_000, currency: 'EUR' },
    })),
    updatedAt: createdAt,
    ...(stuck && i % 2
      ? {
          answerDue: {
            token: `lost-${i}`,
            kind: 'shipment',
            answer: 'success',
            at: minutesAgo(10).toISOString(),
          },
        }
      : { task: { kind: 'shipment', token: `parked-${i}`, enteredAt: createdAt } }),
  };
};

const loadStarted = performance.now();
for (let start = 0; start < ORDERS; start += 25) {
  const items = Array.from({ length: Math.min(25, ORDERS - start) }, (_, k) => orderItem(start + k));
  await documentClient.send(
    new BatchWriteCommand({ RequestItems: { [TABLE]: items.map((Item) => ({ PutRequest: { Item } })) } }),
  );
}
console.log(
  `${ORDERS} open orders written in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s; ${STUCK} of them due`,
);

// Every request of the run, by command, with its capacity units by AWS's rules.
meterCapacity(dynamodb, { [TABLE]: 'domain' });
const requests: Record<string, { count: number; readUnits: number; writeUnits: number }> = {};
dynamodb.middlewareStack.add(
  (next, context) => async (args) => {
    const result = await next(args);
    const name = (context as { commandName?: string }).commandName ?? 'unknown';
    const units = (context as Record<symbol, CapacityRecord | undefined>)[CAPACITY];
    const entry = requests[name] ?? { count: 0, readUnits: 0, writeUnits: 0 };
    requests[name] = entry;
    entry.count += 1;
    entry.readUnits += units?.readUnits ?? 0;
    entry.writeUnits += units?.writeUnits ?? 0;
    return result;
  },
  { step: 'initialize', name: 'benchCounter', override: true },
);
const sfn = { describe: 0, start: 0, answer: 0 };
const port = {
  describeExecution: async () => {
    sfn.describe += 1;
    return 'SUCCEEDED' as const;
  },
  startExecution: async () => {
    sfn.start += 1;
    return { executionArn: 'arn', alreadyStarted: false };
  },
  sendTaskSuccess: async () => {
    sfn.answer += 1;
  },
  sendTaskFailure: async () => {
    sfn.answer += 1;
  },
};
const started = performance.now();
const report = await reconcileOrders({ now, port });
const runMs = performance.now() - started;

// What the old resume-on-start read: every item of the table, page by page.
let scanPages = 0;
let scanned = 0;
let startKey: Record<string, unknown> | undefined;
const scanRequests = { ...requests };
do {
  const page = await documentClient.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: startKey }));
  scanPages += 1;
  scanned += page.ScannedCount ?? 0;
  startKey = page.LastEvaluatedKey;
} while (startKey);
const scanUnits = (requests.ScanCommand?.readUnits ?? 0) - (scanRequests.ScanCommand?.readUnits ?? 0);

const round = (n: number) => Math.round(n * 10) / 10;
console.log(`reconciler run: ${JSON.stringify(report)} in ${runMs.toFixed(0)} ms`);
for (const [name, entry] of Object.entries(scanRequests)) {
  console.log(
    `  ${name.padEnd(20)} ${String(entry.count).padStart(4)} requests  ${round(entry.readUnits)} RCU  ${round(entry.writeUnits)} WCU`,
  );
}
console.log(
  `  Step Functions       ${sfn.describe} DescribeExecution, ${sfn.start} StartExecution, ${sfn.answer} task-token answers`,
);
console.log(
  `the old Scan-based resume: ${scanPages} Scan pages over ${scanned} items, ${round(scanUnits)} RCU`,
);
console.log(
  JSON.stringify({
    orders: ORDERS,
    stuck: STUCK,
    report,
    requests: scanRequests,
    stepFunctions: sfn,
    runMs: Math.round(runMs),
    scan: { pages: scanPages, items: scanned, readUnits: round(scanUnits) },
  }),
);
admin.destroy();
await dynamo.stop();
