/**
 * The manifest: every function Orderly runs, as plain data. The CDK stack builds Lambda
 * functions, routes and IAM grants from it; the local twin mounts the same handlers from it
 * and enforces the same table access. Nothing here imports AWS or CDK code.
 */
import * as customers from './customers/operations';
import * as products from './products/operations';
import type { Operation } from './shared/http/operation';
import * as system from './system/operations';

/** DynamoDB actions a function may use on a table; IAM grants exactly these, the twin enforces them. */
export type DynamoAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem';

export interface TableAccess {
  domain?: readonly DynamoAction[];
  idempotency?: readonly DynamoAction[];
}

export interface HttpFunction {
  kind: 'http';
  /** Source file exporting `handler`, relative to the repository root. */
  entry: string;
  operation: Operation;
  tables: TableAccess;
  /**
   * 1 GB by default: Lambda gives CPU in proportion to memory, and a cold start (loading the
   * bundle, creating SDK clients, building schemas) is CPU-bound and seen by users.
   */
  memoryMb: number;
  /** 10 s by default: bounded DynamoDB work plus SDK retries. The twin cuts invocations off at the same moment. */
  timeoutSeconds: number;
}

export type FunctionSpec = HttpFunction;

/** Powertools' idempotency persistence reads, writes and clears its records. */
const IDEMPOTENT: readonly DynamoAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

const http = (
  entry: string,
  operation: Operation,
  tables: TableAccess = {},
  sizing: { memoryMb?: number; timeoutSeconds?: number } = {},
): HttpFunction => ({
  kind: 'http',
  entry,
  operation,
  tables,
  memoryMb: sizing.memoryMb ?? 1024,
  timeoutSeconds: sizing.timeoutSeconds ?? 10,
});

export const functions: readonly FunctionSpec[] = [
  http('functions/system/health.ts', system.health),
  http('functions/system/openapi.ts', system.openApiDocument),
  http('functions/system/docs-page.ts', system.docsPage),
  http('functions/system/docs-asset.ts', system.docsAsset),

  http('functions/customers/create.ts', customers.createCustomer, {
    domain: ['PutItem'],
    idempotency: IDEMPOTENT,
  }),
  http('functions/customers/get.ts', customers.getCustomer, { domain: ['GetItem'] }),
  http('functions/customers/list.ts', customers.listCustomers, { domain: ['Query'] }),
  http('functions/customers/update.ts', customers.updateCustomer, { domain: ['UpdateItem'] }),

  http('functions/products/create.ts', products.createProduct, {
    domain: ['PutItem'],
    idempotency: IDEMPOTENT,
  }),
  http('functions/products/get.ts', products.getProduct, { domain: ['GetItem'] }),
  http('functions/products/list.ts', products.listProducts, { domain: ['Query'] }),
  http('functions/products/update.ts', products.updateProduct, { domain: ['UpdateItem'] }),
  http('functions/products/adjust-stock.ts', products.adjustStock, {
    domain: ['UpdateItem'],
    idempotency: IDEMPOTENT,
  }),
];

export const httpFunctions = functions.filter((fn): fn is HttpFunction => fn.kind === 'http');

/** A stable logical name per function, used for CDK ids and for local IAM. */
export const functionName = (fn: FunctionSpec) => fn.operation.operationId;
