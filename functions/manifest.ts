/**
 * The manifest: every function Orderly runs, as plain data. The CDK stack builds Lambda
 * functions, routes and IAM grants from it; the local twin mounts the same handlers from it
 * and enforces the same table access. Nothing here imports AWS or CDK code.
 */
import * as analysisLatest from './analysis/latest/operations';
import * as recommendations from './analysis/recommendations/operations';
import * as analysisRuns from './analysis/runs/operations';
import * as approvals from './approvals/operations';
import * as audit from './audit/operations';
import * as customers from './customers/operations';
import * as events from './events/operations';
import * as inbound from './inbound/operations';
import * as needs from './needs/operations';
import * as orders from './orders/operations';
import * as products from './products/operations';
import * as reports from './reports/operations';
import * as settings from './settings/operations';
import type { Operation } from './shared/http/operation';
import type { StateMachineId } from './shared/workflow/port';
import * as system from './system/operations';
import * as webhookDeliveries from './webhooks/deliveries/operations';
import * as webhookEndpoints from './webhooks/endpoints/operations';

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
  events?: readonly DynamoAction[];
  aggregates?: readonly DynamoAction[];
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
  /** Publishes domain events to the event bus (`events:PutEvents` on that bus only; the bus name in `EVENT_BUS_NAME`). */
  publishesEvents?: boolean;
  /**
   * Seals and/or opens stored secrets (functions/shared/secrets/sealed-secret.ts): `kms:Encrypt` /
   * `kms:Decrypt` on the secrets key in AWS, the local key in the twin. Functions without it get neither.
   */
  secrets?: readonly SecretUse[];
}

export type SecretUse = 'seal' | 'open';

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

/**
 * A pattern of Lambda's event filtering (FilterCriteria), as the JSON object Lambda takes: a
 * record is delivered when it matches one of the function's patterns. See
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export type FilterPattern = { readonly [field: string]: FilterPattern | readonly unknown[] };

/** How a table's stream feeds a function: an event source mapping in AWS, the twin's stream poller locally. */
export interface StreamSource {
  table: 'domain';
  /** Records that match none of these are skipped (never delivered, never billed). */
  filters: readonly FilterPattern[];
  /** Records per invocation at most (Lambda: BatchSize). */
  batchSize: number;
  /** How long to gather records before invoking with fewer than `batchSize` (MaximumBatchingWindowInSeconds). */
  batchingWindowSeconds: number;
  /** Retries of a failing batch before its records go to the dead-letter queue (MaximumRetryAttempts). */
  retryAttempts: number;
  /** Split a failing batch in two and retry each half (BisectBatchOnFunctionError). */
  bisectOnError: boolean;
  /** Records older than this go to the dead-letter queue unprocessed (MaximumRecordAgeInSeconds). */
  maxRecordAgeSeconds: number;
  /** Where records that exhausted their retries go: an SQS queue in AWS, the twin's dead-letter store (`npm run dlq`). */
  onFailure: 'dead-letter-queue';
}

/**
 * A consumer of a table's stream. Its handler gets Lambda's DynamoDB stream event and answers
 * `{ batchItemFailures }` (ReportBatchItemFailures), so a failing record is retried from there on.
 */
export interface StreamFunction extends FunctionBase {
  kind: 'stream';
  name: string;
  source: StreamSource;
}

/**
 * A scheduled job: an EventBridge Scheduler schedule in AWS, the twin's scheduler locally.
 * `expression` is Scheduler's: `rate(5 minutes)` or `cron(0 2 * * ? *)` (minutes hours
 * day-of-month month day-of-week year), read in `timeZone` (IANA). The function gets `payload`
 * as its event, with Scheduler's context attributes (`<aws.scheduler.scheduled-time>`, …) filled in.
 */
export interface ScheduleFunction extends FunctionBase {
  kind: 'schedule';
  name: string;
  schedule: {
    expression: string;
    timeZone: string;
    payload: Record<string, unknown>;
  };
}

export type FunctionSpec = HttpFunction | TaskFunction | StreamFunction | ScheduleFunction;

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
  publishesEvents?: boolean;
  secrets?: readonly SecretUse[];
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
  ...(extras.secrets?.length ? { secrets: extras.secrets } : {}),
  ...(extras.publishesEvents ? { publishesEvents: true } : {}),
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

const extrasOf = (extras: Extras) => ({
  ...(extras.workflow ? { workflow: extras.workflow } : {}),
  ...(extras.cursors ? { cursors: true } : {}),
  ...(extras.publishesEvents ? { publishesEvents: true } : {}),
  ...(extras.secrets?.length ? { secrets: extras.secrets } : {}),
});

/**
 * The stream settings every consumer starts from: small batches gathered for up to a second,
 * bisected on error, three retries, then the dead-letter queue; a record older than a day is
 * not worth delivering late (the reconciler and the events feed cover what it carried).
 */
const STREAM_DEFAULTS: Omit<StreamSource, 'filters'> = {
  table: 'domain',
  batchSize: 25,
  batchingWindowSeconds: 1,
  retryAttempts: 3,
  bisectOnError: true,
  maxRecordAgeSeconds: 24 * 3600,
  onFailure: 'dead-letter-queue',
};

/** A consumer of the domain table's stream. */
export const streamConsumer = (
  name: string,
  entry: string,
  source: Partial<StreamSource> & Pick<StreamSource, 'filters'>,
  tables: TableAccess,
  extras: Extras = {},
): StreamFunction => ({
  kind: 'stream',
  name,
  entry,
  source: { ...STREAM_DEFAULTS, ...source },
  tables,
  ...extrasOf(extras),
  memoryMb: extras.memoryMb ?? 1024,
  timeoutSeconds: extras.timeoutSeconds ?? 60,
});

/** A scheduled job; UTC unless a time zone is given, no payload unless one is given. */
export const scheduledJob = (
  name: string,
  entry: string,
  schedule: { expression: string; timeZone?: string; payload?: Record<string, unknown> },
  tables: TableAccess,
  extras: Extras = {},
): ScheduleFunction => ({
  kind: 'schedule',
  name,
  entry,
  schedule: {
    expression: schedule.expression,
    timeZone: schedule.timeZone ?? 'UTC',
    payload: schedule.payload ?? {},
  },
  tables,
  ...extrasOf(extras),
  memoryMb: extras.memoryMb ?? 1024,
  timeoutSeconds: extras.timeoutSeconds ?? 300,
});

/**
 * The timeline events of imported history (POST /v1/orders/history) carry `imported: true`: they
 * happened long ago, elsewhere, and must not start workflows nor be published as news. `exists`
 * matches leaves only, so the rule sits on the attribute's `BOOL`, not on the attribute itself
 * (which is `{BOOL: true}`, an object: `imported: [{exists: false}]` would let every record through).
 */
const NOT_IMPORTED = { imported: { BOOL: [{ exists: false }] } } as const;

/** Stream records of new live timeline events (the outbox): an INSERT of an ORDER_EVENT item, not imported. */
export const TIMELINE_EVENT_INSERTS: FilterPattern = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entity: { S: ['ORDER_EVENT'] }, ...NOT_IMPORTED } },
};

/** Stream records of needs and orders, created, changed or deleted (a REMOVE has only an OldImage). */
export const SALES_RECORDS: readonly FilterPattern[] = [
  { dynamodb: { NewImage: { entity: { S: ['NEED', 'ORDER'] } } } },
  { dynamodb: { OldImage: { entity: { S: ['NEED', 'ORDER'] } } } },
];

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
  // `?tag=`: the tag's entries (Query), then their customers (BatchGetItem).
  http(
    'functions/customers/list.ts',
    customers.listCustomers,
    { domain: ['Query', 'BatchGetItem'] },
    { cursors: true },
  ),
  http('functions/customers/update.ts', customers.updateCustomer, {
    domain: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'],
    audit: AUDIT_WRITER,
  }),

  http('functions/products/create.ts', products.createProduct, {
    // GetItem: a retried create answers with the product as it is now (create.ts).
    domain: ['PutItem', 'GetItem'],
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

  // Issue 9 (helper B): batch creates and order history, for imports. Each item is its own
  // transaction with its idempotency record (read first: a retry); a taken natural key's owner is
  // read (GetItem). History reads what its orders name for the whole batch (BatchGetItem) and
  // writes the order, its timeline, its reference claim and the customer's closed-order count.
  http('functions/customers/batch.ts', customers.batchCreateCustomers, {
    domain: ['PutItem', 'GetItem'],
    idempotency: IDEMPOTENT,
  }),
  http('functions/products/batch.ts', products.batchCreateProducts, {
    domain: ['PutItem', 'GetItem'],
    idempotency: IDEMPOTENT,
  }),
  http(
    'functions/orders/history.ts',
    orders.importOrderHistory,
    { domain: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'], idempotency: IDEMPOTENT },
    { timeoutSeconds: 30 },
  ),
  // One part of the CSV: at most 10 Queries; `?number=`/`?externalRef=`: two GetItems.
  http(
    'functions/orders/export.ts',
    orders.exportOrders,
    { domain: ['Query', 'GetItem'] },
    { cursors: true, timeoutSeconds: 30 },
  ),

  http('functions/approvals/get.ts', approvals.getApprovalRules, { domain: ['GetItem'] }),
  http('functions/approvals/put.ts', approvals.putApprovalRules, {
    domain: ['GetItem', 'PutItem'],
    audit: AUDIT_WRITER,
  }),
  http('functions/audit/list.ts', audit.listAudit, { audit: ['Query'] }, { cursors: true }),
  http('functions/approvals/simulate-handler.ts', approvals.simulateApprovalRules, {
    domain: ['Query'],
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

  // The event spine (docs/events.md). The timeline events are the outbox: the table's stream
  // carries each committed one to these consumers, each idempotent by the event's id.
  // ORDER_SUBMITTED starts the order's workflow (create starts it too, for latency; whichever
  // comes second finds the execution there).
  streamConsumer(
    'startOrderWorkflows',
    'functions/workflow/start-workflows.ts',
    {
      filters: [
        {
          eventName: ['INSERT'],
          dynamodb: {
            NewImage: { entity: { S: ['ORDER_EVENT'] }, type: { S: ['ORDER_SUBMITTED'] }, ...NOT_IMPORTED },
          },
        },
      ],
    },
    {},
    { workflow: { orderLifecycle: ['StartExecution'] } },
  ),
  // Every event to the EventBridge bus, in PutEvents batches of 10.
  streamConsumer(
    'publishEvents',
    'functions/events/publish-events.ts',
    { filters: [TIMELINE_EVENT_INSERTS] },
    {},
    {
      publishesEvents: true,
    },
  ),
  // Every event into the tenant's pull feed (GET /v1/events), kept 30 days.
  streamConsumer(
    'projectEventFeed',
    'functions/events/project-feed.ts',
    { filters: [TIMELINE_EVENT_INSERTS] },
    { events: ['PutItem'] },
  ),
  http('functions/events/list.ts', events.listEvents, { events: ['Query'] }, { cursors: true }),
  http('functions/events/event-types.ts', events.listEventTypes),

  // Customer needs (functions/needs/). A need's every write is one TransactWriteItems: the need
  // (PutItem, guarded by its version), its index entries (PutItem; DeleteItem for the entries a
  // changed value moves), its history and change records (PutItem), and on create the uniqueness
  // item of its externalRef + source. The customer and products are checked with one BatchGetItem.
  // A need without a type reads the latest classifier's pointer (GetItem) and, when its run is new
  // to the container, the model (GetItem) for its suggested type.
  http('functions/needs/create.ts', needs.createNeed, {
    domain: ['GetItem', 'BatchGetItem', 'PutItem'],
    idempotency: IDEMPOTENT,
  }),
  http(
    'functions/needs/batch.ts',
    needs.createNeedsBatch,
    { domain: ['GetItem', 'BatchGetItem', 'PutItem'], idempotency: IDEMPOTENT },
    { timeoutSeconds: 30 },
  ),
  http('functions/needs/get.ts', needs.getNeed, { domain: ['GetItem'] }),
  http('functions/needs/update.ts', needs.updateNeed, {
    domain: ['GetItem', 'BatchGetItem', 'PutItem', 'DeleteItem'],
  }),
  http('functions/needs/history.ts', needs.getNeedHistory, { domain: ['Query'] }, { cursors: true }),
  // Each filter is one Query of its index partition (functions/needs/index-entries.ts).
  http('functions/needs/list.ts', needs.listNeeds, { domain: ['Query'] }, { cursors: true }),
  http('functions/needs/changes.ts', needs.listNeedChanges, { domain: ['Query'] }, { cursors: true }),
  http('functions/needs/export.ts', needs.exportNeeds, { domain: ['Query'] }, { cursors: true }),
  // An order that names needs moves them along (linked, IN_PROGRESS, FULFILLED with its
  // evaluation and feedback): its submission, its closing and its feedback, imported orders' too.
  // A GetItem of the order, then per need a GetItem and one transaction.
  streamConsumer(
    'linkNeedsToOrders',
    'functions/needs/link-needs-to-orders.ts',
    {
      filters: [
        {
          eventName: ['INSERT'],
          dynamodb: {
            NewImage: {
              entity: { S: ['ORDER_EVENT'] },
              type: { S: ['ORDER_SUBMITTED', 'ORDER_CLOSED', 'FEEDBACK_RECEIVED'] },
            },
          },
        },
      ],
    },
    { domain: ['GetItem', 'PutItem', 'DeleteItem'] },
  ),

  // No order left behind: orders due for a look (index ordersToReconcile) whose execution is not
  // running are started again, and task tokens whose answer was lost after a commit are answered.
  scheduledJob(
    'reconcileOrders',
    'functions/workflow/reconcile-orders.ts',
    { expression: 'rate(5 minutes)' },
    { domain: ['Query', 'GetItem', 'UpdateItem'] },
    {
      workflow: {
        orderLifecycle: ['DescribeExecution', 'StartExecution', 'SendTaskSuccess', 'SendTaskFailure'],
      },
    },
  ),

  // Sales aggregates and reports (README "Sales reports"). The tenant's settings (its time zone):
  // a consistent GetItem, then the setting (PutItem) and its audit record in one transaction.
  http('functions/settings/tenant-get.ts', settings.getTenantSettings, { domain: ['GetItem'] }),
  // Issue 10 (helper D1): a save also moves the analysis schedule (its item: GetItem, UpdateItem or
  // ConditionCheckItem; its due entry: DeleteItem, PutItem) in the same transaction.
  http('functions/settings/tenant-put.ts', settings.putTenantSettings, {
    domain: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    audit: AUDIT_WRITER,
  }),
  // Every change of a need or an order (created, changed, deleted) into the aggregates: the
  // tenant's zone history (GetItem, cached a minute), then per few records one transaction of their
  // applied-record markers (PutItem) and their summed updates (UpdateItem). Five minutes: an
  // imported order of 1,000 lines is some thirty transactions.
  streamConsumer(
    'aggregateSales',
    'functions/aggregates/aggregate-sales.ts',
    { filters: SALES_RECORDS },
    { domain: ['GetItem'], aggregates: ['PutItem', 'UpdateItem'] },
    { timeoutSeconds: 300 },
  ),
  // Each report: the tenant's zone (GetItem), then one Query per shard of the dimension and page.
  http(
    'functions/reports/needs-summary.ts',
    reports.getNeedsSummary,
    { domain: ['GetItem'], aggregates: ['Query'] },
    { cursors: true },
  ),
  http(
    'functions/reports/revenue.ts',
    reports.getRevenueReport,
    { domain: ['GetItem'], aggregates: ['Query'] },
    { cursors: true },
  ),
  http(
    'functions/reports/pipeline.ts',
    reports.getPipelineReport,
    { domain: ['GetItem'], aggregates: ['Query'] },
    { cursors: true },
  ),
  http(
    'functions/reports/fulfilment.ts',
    reports.getFulfilmentReport,
    { domain: ['GetItem'], aggregates: ['Query'] },
    { cursors: true },
  ),

  // Issue 10 (helper C): a customer's recommendations. Reads only, each bounded: the customer and
  // the latest run's pointer (GetItem), its 100 latest orders (Query on ordersByCustomer), its
  // segment's open needs (GetItem), the run's neighbour lists of what it bought and the products'
  // names (BatchGetItem).
  http('functions/analysis/recommendations/get.ts', recommendations.getCustomerRecommendations, {
    domain: ['GetItem', 'Query', 'BatchGetItem'],
  }),

  // Issue 10 (helper D1): analysis runs, their schedule and their latest results
  // (docs/analysis.md). Creating a run is one transaction: the run and the tenant's active-run
  // lock (PutItem) with the idempotency record; a refused lock is read (GetItem) to name its run.
  http('functions/analysis/runs/create.ts', analysisRuns.createAnalysisRun, {
    domain: ['PutItem', 'GetItem'],
    idempotency: IDEMPOTENT,
  }),
  http('functions/analysis/runs/get.ts', analysisRuns.getAnalysisRun, { domain: ['GetItem'] }),
  // The ANALYSIS_RUNS collection read backwards (newest first): one Query per page.
  http(
    'functions/analysis/runs/list.ts',
    analysisRuns.listAnalysisRuns,
    { domain: ['Query'] },
    { cursors: true },
  ),
  // Each: the kind's latest pointer, then the run's result item (GetItem each).
  http('functions/analysis/latest/segments.ts', analysisLatest.getLatestSegments, { domain: ['GetItem'] }),
  http('functions/analysis/latest/trends.ts', analysisLatest.getNeedTrends, { domain: ['GetItem'] }),
  http('functions/analysis/latest/classifier.ts', analysisLatest.getLatestClassifier, {
    domain: ['GetItem'],
  }),
  // A queued run (API or schedule), one per invocation, run to its end by execute.ts: the run
  // (GetItem), segmented Queries of the tenant's needs, orders, customers and products (the table
  // and its indexes) and of the aggregates (expected counts); the run's progress and finish, each
  // customer's segment and the kept results' expiry (UpdateItem); the results and latest pointers
  // (PutItem); the active-run lock released (DeleteItem). 15 minutes
  // and 3 GB (Lambda's CPU share grows with memory); one retry, which finds the run RUNNING and
  // fails it with why rather than running it twice.
  streamConsumer(
    'startAnalysisRuns',
    'functions/analysis/runs/start-runs.ts',
    {
      filters: [
        {
          eventName: ['INSERT'],
          dynamodb: { NewImage: { entity: { S: ['ANALYSIS_RUN'] }, status: { S: ['QUEUED'] } } },
        },
      ],
      batchSize: 1,
      retryAttempts: 1,
    },
    { domain: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], aggregates: ['Query'] },
    { memoryMb: 3008, timeoutSeconds: 900 },
  ),
  // A tenant's first need or order gives it its analysis schedule: the schedule read (GetItem,
  // once per tenant and container), the tenant's settings (GetItem), then the schedule and its due
  // entry (PutItem) with a check that the settings did not change meanwhile (ConditionCheckItem).
  streamConsumer(
    'registerAnalysisTenants',
    'functions/analysis/schedule/register-tenants.ts',
    { filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['NEED', 'ORDER'] } } } }] },
    { domain: ['GetItem', 'PutItem', 'ConditionCheckItem'] },
  ),
  // The scheduled analysis: the due entries (Query of the system partition SYS#ANALYSIS_DUE, the
  // documented cross-tenant exception), per due tenant a run created as the API creates it (run
  // and lock: PutItem; a refused lock read: GetItem) with the move of its schedule (UpdateItem)
  // and due entry (DeleteItem, PutItem).
  scheduledJob(
    'queueDueAnalysisRuns',
    'functions/analysis/schedule/due-job.ts',
    { expression: 'rate(15 minutes)' },
    { domain: ['Query', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
  ),

  // Issue 11 (helper A): webhook endpoints (functions/webhooks/endpoints/). All of a tenant's in
  // one partition. Create: the endpoint (PutItem) and the tenant's endpoint count (UpdateItem) in
  // one transaction, its new secret sealed; delete: the same two, the other way. Rotate: a read,
  // then one conditional UpdateItem with the new secret sealed.
  http(
    'functions/webhooks/endpoints/create.ts',
    webhookEndpoints.createWebhookEndpoint,
    { domain: ['PutItem', 'UpdateItem'] },
    { secrets: ['seal'] },
  ),
  http('functions/webhooks/endpoints/list.ts', webhookEndpoints.listWebhookEndpoints, { domain: ['Query'] }),
  http('functions/webhooks/endpoints/get.ts', webhookEndpoints.getWebhookEndpoint, { domain: ['GetItem'] }),
  http('functions/webhooks/endpoints/update.ts', webhookEndpoints.updateWebhookEndpoint, {
    domain: ['UpdateItem'],
  }),
  http('functions/webhooks/endpoints/delete.ts', webhookEndpoints.deleteWebhookEndpoint, {
    domain: ['DeleteItem', 'UpdateItem'],
  }),
  http(
    'functions/webhooks/endpoints/rotate-secret.ts',
    webhookEndpoints.rotateWebhookEndpointSecret,
    { domain: ['GetItem', 'UpdateItem'] },
    { secrets: ['seal'] },
  ),

  // Issue 11 (helper C): inbound webhooks (functions/inbound/). A source is two items written
  // together: the tenant's (T#<t>#INBOUND_SOURCES) and the global lookup by id
  // (INBOUND_SOURCE#<id>, the documented exception) holding its sealed secrets. Create: both
  // (PutItem) and the tenant's source count (UpdateItem) in one transaction, the secret sealed;
  // delete: the same, the other way; rotate: the lookup (GetItem), then both (UpdateItem) with the
  // new secret sealed, and the tenant's item read back (GetItem).
  http(
    'functions/inbound/create.ts',
    inbound.createInboundSource,
    { domain: ['PutItem', 'UpdateItem'] },
    { secrets: ['seal'] },
  ),
  http('functions/inbound/list.ts', inbound.listInboundSources, { domain: ['Query'] }),
  http('functions/inbound/delete.ts', inbound.deleteInboundSource, { domain: ['DeleteItem', 'UpdateItem'] }),
  http(
    'functions/inbound/rotate-secret.ts',
    inbound.rotateInboundSourceSecret,
    { domain: ['GetItem', 'UpdateItem'] },
    { secrets: ['seal'] },
  ),
  // Public routes, authenticated by the message's signature: the source's lookup (GetItem) and its
  // secrets opened, then, once per webhook-id (the idempotency record in the same transaction),
  // what the fulfilment API does (shipments, delivery, failure) or what POST /v1/needs does.
  http(
    'functions/inbound/fulfilment.ts',
    inbound.receiveFulfilmentReport,
    { domain: ['GetItem', 'UpdateItem', 'PutItem'], idempotency: IDEMPOTENT },
    { workflow: { orderLifecycle: ['SendTaskSuccess', 'SendTaskFailure'] }, secrets: ['open'] },
  ),
  http(
    'functions/inbound/needs.ts',
    inbound.receiveNeed,
    { domain: ['GetItem', 'BatchGetItem', 'PutItem'], idempotency: IDEMPOTENT },
    { secrets: ['open'] },
  ),

  // Issue 11 (helper B): webhook delivery (functions/webhooks/delivery/, docs/webhooks.md). The
  // queue lives in the domain table: deliveries, lane entries and due entries (the system
  // partitions SYS#WEBHOOK_DUE#<shard>, the documented cross-tenant exception). Both workers read
  // the tenant's endpoints (Query), a lane's head (Query), a delivery, an endpoint and, for partner
  // endpoints, the order's partner (GetItem); enqueue (PutItem, one transaction per endpoint and
  // event); lease, record attempts and endpoint health (UpdateItem); clear lane and due entries
  // (DeleteItem); open the endpoints' signing secrets; publish `webhook.endpoint_disabled`.
  streamConsumer(
    'fanOutWebhooks',
    'functions/webhooks/delivery/fan-out-handler.ts',
    { filters: [TIMELINE_EVENT_INSERTS] },
    { domain: ['Query', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
    { secrets: ['open'], publishesEvents: true, timeoutSeconds: 60 },
  ),
  // Every minute, polling within a 50-second window for what falls due (5-second retries); the
  // due shards Queried, the lanes drained as the fan-out does.
  scheduledJob(
    'sweepWebhookDeliveries',
    'functions/webhooks/delivery/sweep-job.ts',
    { expression: 'rate(1 minute)', payload: { windowSeconds: 50, pollSeconds: 2 } },
    { domain: ['Query', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
    { secrets: ['open'], publishesEvents: true, timeoutSeconds: 120 },
  ),
  // Deliveries of an endpoint on byTenantCollection (Query); one (GetItem); a redelivery: the
  // delivery and its endpoint (GetItem), then the delivery (UpdateItem), its lane entry and a due
  // entry (PutItem) in one transaction, then attempted at once as the fan-out attempts (the same
  // access: a lane's head, the lease and the attempt's record, the endpoint's health, its secrets).
  http(
    'functions/webhooks/deliveries/list.ts',
    webhookDeliveries.listWebhookDeliveries,
    { domain: ['Query'] },
    { cursors: true },
  ),
  http('functions/webhooks/deliveries/get.ts', webhookDeliveries.getWebhookDelivery, { domain: ['GetItem'] }),
  http(
    'functions/webhooks/deliveries/redeliver.ts',
    webhookDeliveries.redeliverWebhook,
    { domain: ['Query', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
    { secrets: ['open'], publishesEvents: true },
  ),
];

export const httpFunctions = functions.filter((fn): fn is HttpFunction => fn.kind === 'http');
export const taskFunctions = functions.filter((fn): fn is TaskFunction => fn.kind === 'task');
export const streamFunctions = functions.filter((fn): fn is StreamFunction => fn.kind === 'stream');
export const scheduleFunctions = functions.filter((fn): fn is ScheduleFunction => fn.kind === 'schedule');

/** A stable logical name per function, used for CDK ids and for local IAM. */
export const functionName = (fn: FunctionSpec) => (fn.kind === 'http' ? fn.operation.operationId : fn.name);
