/**
 * The manifest: every function Orderly runs, as plain data. The CDK stack builds Lambda
 * functions, routes and IAM grants from it; the local twin mounts the same handlers from it
 * and enforces the same table access. Nothing here imports AWS or CDK code.
 */
import * as approvals from './approvals/operations';
import * as audit from './audit/operations';
import * as customers from './customers/operations';
import * as orders from './orders/operations';
import * as products from './products/operations';
import * as settings from './settings/operations';
import type { Operation } from './shared/http/operation';
import type { StateMachineId } from './shared/workflow/port';
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
  audit?: readonly DynamoAction[];
}

/** Step Functions actions a function may call, per state machine; IAM grants exactly these. */
export type WorkflowAction = 'StartExecution' | 'SendTaskSuccess' | 'SendTaskFailure' | 'DescribeExecution';
export type WorkflowAccess = Partial<Record<StateMachineId, readonly WorkflowAction[]>>;

export interface StateMachineSpec {
  id: StateMachineId;
  /** The ASL file, relative to the repository root; `${Name}` placeholders are task function ARNs. */
  definitionFile: string;
}

export const stateMachines: readonly StateMachineSpec[] = [
  { id: 'orderLifecycle', definitionFile: 'statemachines/order-lifecycle.asl.json' },
];

interface FunctionBase {
  /** Source file exporting `handler`, relative to the repository root. */
  entry: string;
  tables: TableAccess;
  workflow?: WorkflowAccess;
  /**
   * 1 GB by default: Lambda gives CPU in proportion to memory, and a cold start (loading the
   * bundle, creating SDK clients, building schemas) is CPU-bound and seen by users.
   */
  memoryMb: number;
  /** 10 s by default: bounded DynamoDB work plus SDK retries. The twin cuts invocations off at the same moment. */
  timeoutSeconds: number;
  /**
   * Reads or writes pagination cursors, so it gets the key that signs them (functions/shared/db/cursor-key.ts):
   * read access to the secret in AWS, the key itself in the twin. Functions without it cannot page.
   */
  cursors?: boolean;
}

/** A task of a state machine: invoked by Step Functions (or the twin's runner), never over HTTP. */
export interface TaskFunction extends FunctionBase {
  kind: 'task';
  name: string;
  stateMachine: StateMachineId;
  /** The `${…}` placeholder of this function's ARN in the definition. */
  definitionSubstitution: string;
}

export interface HttpFunction extends FunctionBase {
  kind: 'http';
  operation: Operation;
}

export type FunctionSpec = HttpFunction | TaskFunction;

/**
 * Creating operations read their key's record (a retry) and put it in the creating transaction;
 * records are never updated or deleted by a function (TTL removes them).
 */
const IDEMPOTENT: readonly DynamoAction[] = ['GetItem', 'PutItem'];

/**
 * Audit records are append-only: writers may only add one (and the Put's condition refuses to
 * overwrite); no function may update or delete one (TTL removes them after their retention).
 */
const AUDIT_WRITER: readonly DynamoAction[] = ['PutItem'];

interface Extras {
  workflow?: WorkflowAccess;
  cursors?: boolean;
  memoryMb?: number;
  timeoutSeconds?: number;
}

const http = (
  entry: string,
  operation: Operation,
  tables: TableAccess = {},
  extras: Extras = {},
): HttpFunction => ({
  kind: 'http',
  entry,
  operation,
  tables,
  ...(extras.workflow ? { workflow: extras.workflow } : {}),
  ...(extras.cursors ? { cursors: true } : {}),
  memoryMb: extras.memoryMb ?? 1024,
  timeoutSeconds: extras.timeoutSeconds ?? 10,
});

/** A task of the order lifecycle; its ARN placeholder is derived from its name (advanceOrder → AdvanceOrderFunctionArn). */
export const orderTask = (
  name: string,
  entry: string,
  tables: TableAccess,
  extras: Extras = {},
): TaskFunction => ({
  kind: 'task',
  name,
  entry,
  stateMachine: 'orderLifecycle',
  definitionSubstitution: `${name[0]?.toUpperCase()}${name.slice(1)}FunctionArn`,
  tables,
  ...(extras.workflow ? { workflow: extras.workflow } : {}),
  memoryMb: extras.memoryMb ?? 1024,
  timeoutSeconds: extras.timeoutSeconds ?? 30,
});

export const functions: readonly FunctionSpec[] = [
  http('functions/system/health.ts', system.health),
  http('functions/system/openapi.ts', system.openApiDocument),
  http('functions/system/docs-page.ts', system.docsPage),
  http('functions/system/docs-asset.ts', system.docsAsset),

  // A taken externalRef is read (GetItem) to name its owner; a changed one moves its uniqueness item.
  http('functions/customers/create.ts', customers.createCustomer, {
    domain: ['PutItem', 'GetItem'],
    idempotency: IDEMPOTENT,
  }),
  http('functions/customers/get.ts', customers.getCustomer, { domain: ['GetItem'] }),
  http('functions/customers/list.ts', customers.listCustomers, { domain: ['Query'] }, { cursors: true }),
  http('functions/customers/update.ts', customers.updateCustomer, {
    domain: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'],
    audit: AUDIT_WRITER,
  }),

  http('functions/products/create.ts', products.createProduct, {
    domain: ['PutItem'],
    idempotency: IDEMPOTENT,
  }),
  http('functions/products/get.ts', products.getProduct, { domain: ['GetItem'] }),
  http('functions/products/list.ts', products.listProducts, { domain: ['Query'] }, { cursors: true }),
  // A change of terms reads the product first (the value before, for the audit record).
  http('functions/products/update.ts', products.updateProduct, {
    domain: ['GetItem', 'UpdateItem'],
    audit: AUDIT_WRITER,
  }),
  http('functions/products/adjust-stock.ts', products.adjustStock, {
    domain: ['UpdateItem', 'GetItem'],
    idempotency: IDEMPOTENT,
  }),

  http('functions/approvals/get.ts', approvals.getApprovalRules, { domain: ['GetItem'] }),
  http('functions/approvals/put.ts', approvals.putApprovalRules, {
    domain: ['GetItem', 'PutItem'],
    audit: AUDIT_WRITER,
  }),
  http('functions/audit/list.ts', audit.listAudit, { audit: ['Query'] }, { cursors: true }),
  http('functions/approvals/simulate-handler.ts', approvals.simulateApprovalRules, {
    domain: ['GetItem', 'Query'],
  }),

  // The tenant's fulfilment-partner routing: a consistent GetItem, then the setting (PutItem) and
  // its audit records in one transaction.
  http('functions/settings/get.ts', settings.getFulfilmentPartners, { domain: ['GetItem'] }),
  http('functions/settings/put.ts', settings.putFulfilmentPartners, {
    domain: ['GetItem', 'PutItem'],
    audit: AUDIT_WRITER,
  }),

  // Orders. Every change is one TransactWriteItems: the order (UpdateItem, guarded by its
  // version), its timeline event (PutItem) and, where the change moves them, stock or the
  // customer's balance (UpdateItem); it is decided on a GetItem of the order.
  http(
    'functions/orders/create.ts',
    orders.createOrder,
    {
      // Customer (GetItem), catalogue (BatchGetItem), order number counter (UpdateItem); order, first
      // event, number and externalRef uniqueness items (PutItem); a taken externalRef's owner (GetItem).
      domain: ['GetItem', 'BatchGetItem', 'UpdateItem', 'PutItem'],
      idempotency: IDEMPOTENT,
    },
    { workflow: { orderLifecycle: ['StartExecution'] } },
  ),
  // A partner-bound caller (orders/partner-scope.ts) on an order not yet assigned also reads the
  // partner setting (GetItem) to find the default partner; the timeline reads the order for it.
  http('functions/orders/get.ts', orders.getOrder, { domain: ['GetItem'] }),
  // `?number=` and `?externalRef=`: the uniqueness item, then the order (GetItem each).
  http('functions/orders/list.ts', orders.listOrders, { domain: ['Query', 'GetItem'] }, { cursors: true }),
  http(
    'functions/orders/timeline.ts',
    orders.getOrderTimeline,
    { domain: ['Query', 'GetItem'] },
    { cursors: true },
  ),
  http(
    'functions/orders/approvals.ts',
    orders.listApprovals,
    { domain: ['Query', 'GetItem'] },
    { cursors: true },
  ),
  http(
    'functions/orders/approve.ts',
    orders.approveOrder,
    { domain: ['GetItem', 'UpdateItem', 'PutItem'] },
    { workflow: { orderLifecycle: ['SendTaskSuccess'] } },
  ),
  http(
    'functions/orders/reject.ts',
    orders.rejectOrder,
    { domain: ['GetItem', 'UpdateItem', 'PutItem'] },
    { workflow: { orderLifecycle: ['SendTaskFailure'] } },
  ),
  http(
    'functions/orders/shipments.ts',
    orders.recordShipment,
    {
      domain: ['GetItem', 'UpdateItem', 'PutItem'],
      idempotency: IDEMPOTENT,
    },
    { workflow: { orderLifecycle: ['SendTaskSuccess'] } },
  ),
  http(
    'functions/orders/delivery.ts',
    orders.recordDelivery,
    { domain: ['GetItem', 'UpdateItem', 'PutItem'] },
    { workflow: { orderLifecycle: ['SendTaskSuccess'] } },
  ),
  http(
    'functions/orders/fulfilment-failure.ts',
    orders.reportFulfilmentFailure,
    { domain: ['GetItem', 'UpdateItem', 'PutItem'] },
    { workflow: { orderLifecycle: ['SendTaskFailure'] } },
  ),
  http(
    'functions/orders/cancel.ts',
    orders.cancelOrder,
    { domain: ['GetItem', 'UpdateItem', 'PutItem'] },
    { workflow: { orderLifecycle: ['SendTaskFailure'] } },
  ),
  http('functions/orders/feedback.ts', orders.submitFeedback, {
    domain: ['GetItem', 'UpdateItem', 'PutItem'],
  }),

  // The order lifecycle's tasks (statemachines/order-lifecycle.asl.json). Each decides on a
  // GetItem of the order; a change is one transaction (order UpdateItem + event PutItem + stock or
  // customer UpdateItem); parking a task token is one UpdateItem. Token tasks that find nothing to
  // wait for answer their own token.
  orderTask('advanceOrder', 'functions/workflow/advance-order.ts', {
    // Order, customer (credit facts) and approval rules: GetItem; the decision's transaction; an
    // approved order's stock reservation (product UpdateItem per line) in a second one.
    domain: ['GetItem', 'UpdateItem', 'PutItem'],
  }),
  orderTask(
    'awaitApproval',
    'functions/workflow/await-approval.ts',
    { domain: ['GetItem', 'UpdateItem'] },
    { workflow: { orderLifecycle: ['SendTaskSuccess', 'SendTaskFailure'] } },
  ),
  orderTask('escalateApproval', 'functions/workflow/escalate-approval.ts', {
    domain: ['GetItem', 'UpdateItem', 'PutItem'],
  }),
  orderTask('reserveStock', 'functions/workflow/reserve-stock.ts', {
    domain: ['GetItem', 'UpdateItem', 'PutItem'],
  }),
  // The partner routing (GetItem) picks the partner the transaction assigns.
  orderTask(
    'requestFulfilment',
    'functions/workflow/request-fulfilment.ts',
    { domain: ['GetItem', 'UpdateItem', 'PutItem'] },
    { workflow: { orderLifecycle: ['SendTaskSuccess', 'SendTaskFailure'] } },
  ),
  orderTask(
    'awaitDelivery',
    'functions/workflow/await-delivery.ts',
    { domain: ['GetItem', 'UpdateItem'] },
    { workflow: { orderLifecycle: ['SendTaskSuccess'] } },
  ),
  // The timeline (Query) feeds the evaluation; the customer's record changes in the same transaction.
  orderTask('closeOrder', 'functions/workflow/close-order.ts', {
    domain: ['GetItem', 'Query', 'UpdateItem', 'PutItem'],
  }),
  orderTask('compensateOrder', 'functions/workflow/compensate-order.ts', {
    domain: ['GetItem', 'UpdateItem', 'PutItem'],
  }),
];

export const httpFunctions = functions.filter((fn): fn is HttpFunction => fn.kind === 'http');
export const taskFunctions = functions.filter((fn): fn is TaskFunction => fn.kind === 'task');

/** A stable logical name per function, used for CDK ids and for local IAM. */
export const functionName = (fn: FunctionSpec) => (fn.kind === 'http' ? fn.operation.operationId : fn.name);
