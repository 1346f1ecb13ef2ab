import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { domainTable, idempotencyTable } from '../../functions/shared/db/tables';
import { ensureTable } from '../../local/create-tables';
import { pool } from './percentiles';

/**
 * The DynamoDB requests POST /v1/orders makes (with an Idempotency-Key), issued directly to
 * DynamoDB Local with items of the same shape and size: the ceiling the HTTP path is measured
 * against. Read the create path in functions/orders/create-order.ts to keep this in step.
 */
export async function measureRawCreatePath(options: {
  endpoint: string;
  count: number;
  concurrency: number;
  /** Also the requests the workflow makes until the order waits for the partner (Advance, RequestFulfilment). */
  withWorkflow: boolean;
}) {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const domain = 'raw-domain';
  const idem = 'raw-idempotency';
  await ensureTable(client, domain, domainTable);
  await ensureTable(client, idem, idempotencyTable);
  const s = (v: string) => ({ S: v });
  const n = (v: number) => ({ N: String(v) });
  await client.send(
    new PutItemCommand({
      TableName: domain,
      Item: { pk: s('T#raw#CUSTOMER#C'), sk: s('CUSTOMER'), name: s('Raw Ltd'), version: n(1) },
    }),
  );
  await client.send(
    new PutItemCommand({
      TableName: domain,
      Item: { pk: s('T#raw#SKU#RAW-1'), sk: s('SKU'), productId: s('P') },
    }),
  );
  await client.send(
    new PutItemCommand({
      TableName: domain,
      Item: {
        pk: s('T#raw#PRODUCT#P'),
        sk: s('PRODUCT'),
        id: s('P'),
        sku: s('RAW-1'),
        name: s('Raw widget'),
        category: s('Bench'),
        unitPrice: { M: { amountMinor: n(1000), currency: s('EUR') } },
        active: { BOOL: true },
      },
    }),
  );
  // Each run writes its own orders and keys, so runs in one table do not collide.
  const run = options.withWorkflow ? 'WFLOW' : 'PLAIN';
  const requestsPerCreate = options.withWorkflow ? 14 : 7;
  const started = performance.now();
  await pool(options.count, options.concurrency, async (i) => {
    const id = `${run}${i.toString().padStart(21, '0')}`;
    const idemKey = s(`createOrder#${run}#${i}`);
    const now = Math.floor(Date.now() / 1000);
    await client.send(
      new PutItemCommand({
        TableName: idem,
        Item: {
          id: idemKey,
          status: s('INPROGRESS'),
          expiration: n(now + 86400),
          in_progress_expiration: n(Date.now() + 10000),
        },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    await client.send(
      new GetItemCommand({ TableName: domain, Key: { pk: s('T#raw#CUSTOMER#C'), sk: s('CUSTOMER') } }),
    );
    await client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [domain]: { Keys: [{ pk: s('T#raw#SKU#RAW-1'), sk: s('SKU') }], ConsistentRead: true },
        },
      }),
    );
    await client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [domain]: { Keys: [{ pk: s('T#raw#PRODUCT#P'), sk: s('PRODUCT') }], ConsistentRead: true },
        },
      }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName: domain,
        Key: { pk: s('T#raw#COUNTER#ORDER#2026'), sk: s('COUNTER') },
        UpdateExpression: 'ADD seq :one',
        ExpressionAttributeValues: { ':one': n(1) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const order = {
      pk: s(`T#raw#ORDER#${id}`),
      sk: s('ORDER'),
      id: s(id),
      number: s(`SO-2026-${i}`),
      status: s('SUBMITTED'),
      collectionPk: s('T#raw#ORDERS'),
      collectionSk: s(id),
      statusPk: s('T#raw#ORDERS#SUBMITTED'),
      statusSk: s(id),
      customerPk: s('T#raw#CUSTOMER#C#ORDERS'),
      customerSk: s(id),
      lines: {
        L: [
          {
            M: {
              lineNo: n(1),
              sku: s('RAW-1'),
              productId: s('P'),
              name: s('Raw widget'),
              category: s('Bench'),
              quantity: n(1),
              unitPriceMinor: n(1000),
              discountBps: n(0),
              discountMinor: n(0),
              lineTotalMinor: n(1000),
            },
          },
        ],
      },
      totals: { M: { subtotalMinor: n(1000), discountMinor: n(0), totalMinor: n(1000) } },
      version: n(1),
    };
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: domain, Item: order, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: domain,
              Item: {
                pk: s(`T#raw#ORDER#${id}`),
                sk: s('EVENT#000001'),
                type: s('ORDER_SUBMITTED'),
                seq: n(1),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName: idem,
        Key: { id: idemKey },
        UpdateExpression: 'SET #s = :c, #d = :d',
        ExpressionAttributeNames: { '#s': 'status', '#d': 'data' },
        ExpressionAttributeValues: { ':c': s('COMPLETED'), ':d': s(JSON.stringify(order).slice(0, 1500)) },
      }),
    );
    if (!options.withWorkflow) return;
    // Advance: read order, customer, rule set; decide (order + event + customer balance); reserve (order + event + product).
    const orderKey = { pk: s(`T#raw#ORDER#${id}`), sk: s('ORDER') };
    const step = (version: number, status: string, extra?: Record<string, unknown>) =>
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: domain,
              Key: orderKey,
              UpdateExpression: 'SET #st = :st, version = :v, statusPk = :sp',
              ConditionExpression: 'version = :prev',
              ExpressionAttributeNames: { '#st': 'status' },
              ExpressionAttributeValues: {
                ':st': s(status),
                ':v': n(version),
                ':prev': n(version - 1),
                ':sp': s(`T#raw#ORDERS#${status}`),
              },
            },
          },
          {
            Put: {
              TableName: domain,
              Item: {
                pk: s(`T#raw#ORDER#${id}`),
                sk: s(`EVENT#00000${version}`),
                type: s(status),
                seq: n(version),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...(extra ? [extra] : []),
        ],
      });
    const addTo = (key: string, sk: string, attribute: string) => ({
      Update: {
        TableName: domain,
        Key: { pk: s(key), sk: s(sk) },
        UpdateExpression: `ADD ${attribute} :n`,
        ExpressionAttributeValues: { ':n': n(1) },
      },
    });
    await client.send(new GetItemCommand({ TableName: domain, Key: orderKey, ConsistentRead: true }));
    await client.send(
      new GetItemCommand({ TableName: domain, Key: { pk: s('T#raw#CUSTOMER#C'), sk: s('CUSTOMER') } }),
    );
    await client.send(
      new GetItemCommand({
        TableName: domain,
        Key: { pk: s('T#raw#APPROVAL_RULES#current'), sk: s('APPROVAL_RULES') },
      }),
    );
    await client.send(step(2, 'APPROVED', addTo('T#raw#CUSTOMER#C', 'CUSTOMER', 'openBalanceMinor')));
    await client.send(step(3, 'STOCK_RESERVED', addTo('T#raw#PRODUCT#P', 'PRODUCT', 'reserved')));
    // RequestFulfilment: read the order; IN_FULFILMENT with the task token.
    await client.send(new GetItemCommand({ TableName: domain, Key: orderKey, ConsistentRead: true }));
    await client.send(step(4, 'IN_FULFILMENT'));
  });
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return { throughput: options.count / seconds, requestsPerCreate };
}
