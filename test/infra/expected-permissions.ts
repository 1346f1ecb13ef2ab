/**
 * What every Lambda function of the stack may do, written out by hand from what its handler does
 * (the commands its code sends, read in functions/), not from functions/manifest.ts. The manifest
 * is what the stack is built from; this table is what it should have been built to grant. A grant
 * that changes in the manifest without a change in what the code does fails
 * test/infra/function-permissions.test.ts, and so does a function added without a row here.
 *
 * DynamoDB: the exact actions per table. A transaction needs the action of each of its items
 * (Put → PutItem, Update → UpdateItem, Delete → DeleteItem, ConditionCheck → ConditionCheckItem);
 * writeItems() sends a lone Put as a plain PutItem; an idempotent creating operation reads its
 * key's record first (GetItem) and puts it in its transaction (PutItem), and answers a retry by
 * reading what it created (a GetItem of the domain table, or a Query/BatchGetItem where that is
 * how the resource is read).
 */

export type DynamoAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem';
export type WorkflowAction = 'StartExecution' | 'SendTaskSuccess' | 'SendTaskFailure' | 'DescribeExecution';
export type TableId = 'domain' | 'idempotency' | 'audit' | 'events' | 'aggregates';

export interface ExpectedPermissions {
  tables?: Partial<Record<TableId, readonly DynamoAction[]>>;
  /** Only items whose partition key starts with one of these (dynamodb:LeadingKeys), on every table it uses. */
  leadingKeys?: readonly string[];
  /** On the order lifecycle state machine (DescribeExecution: on its executions). */
  workflow?: readonly WorkflowAction[];
  /** events:PutEvents on Orderly's bus. */
  publishesEvents?: true;
  /** kms:Encrypt (seal) / kms:Decrypt (open) on the key that seals stored secrets. */
  secrets?: readonly ('Encrypt' | 'Decrypt')[];
  /** secretsmanager:GetSecretValue on the cursor key: it reads or writes pagination cursors. */
  cursors?: true;
  /** Reads the domain table's stream (its event source mapping polls with the function's role). */
  readsDomainStream?: true;
  /** Sends failed batches or invocations to its own dead-letter queue (stream consumers, scheduled jobs). */
  deadLetters?: true;
  /** The table names reach the handler in its environment (false: CDK's SDK-call provider gets them per call). */
  tableNamesInEnvironment?: false;
}

// ---- Building blocks -------------------------------------------------------------------------

/** A creating operation's idempotency record: read first, put in the creating transaction. */
const KEYED = { idempotency: ['GetItem', 'PutItem'] } as const;
/** Audit records are appended in the transaction of the change, never updated or deleted. */
const AUDITED = { audit: ['PutItem'] } as const;
const STREAM_CONSUMER = { readsDomainStream: true, deadLetters: true } as const;
const SCHEDULED_JOB = { deadLetters: true } as const;

// ---- Profiles shared by several functions ----------------------------------------------------

const NOTHING: ExpectedPermissions = {};
/** Reads items by key: a resource, a setting, the latest result's pointer and item. */
const READS_BY_KEY: ExpectedPermissions = { tables: { domain: ['GetItem'] } };
/** Pages one partition or index with a signed cursor. */
const PAGES: ExpectedPermissions = { tables: { domain: ['Query'] }, cursors: true };
/** Pages, and reads single items too (`?number=`/`?externalRef=` lookups, the order, the partner routing). */
const PAGES_AND_READS: ExpectedPermissions = { tables: { domain: ['Query', 'GetItem'] }, cursors: true };
/** One unpaged Query of the tenant's partition. */
const LISTS: ExpectedPermissions = { tables: { domain: ['Query'] } };
/** A report: the tenant's time zone (GetItem), then the aggregates' shards (Query), paged. */
const REPORT: ExpectedPermissions = {
  tables: { domain: ['GetItem'], aggregates: ['Query'] },
  cursors: true,
};
/** Creates under an Idempotency-Key: a taken natural key's owner or a replay read (GetItem), the items (PutItem). */
const CREATES_KEYED: ExpectedPermissions = { tables: { domain: ['GetItem', 'PutItem'], ...KEYED } };
/** A need created: customer and products checked (BatchGetItem), classifier pointer and model and a replay (GetItem). */
const CREATES_NEEDS: ExpectedPermissions = {
  tables: { domain: ['GetItem', 'BatchGetItem', 'PutItem'], ...KEYED },
};
/** An order's change decided on a GetItem of it: order and stock/balance UpdateItem, timeline event PutItem. */
const CHANGES_ORDER = ['GetItem', 'UpdateItem', 'PutItem'] as const;
/** A token task that finds nothing to do at once parks its token on the order (UpdateItem). */
const PARKS_TOKEN = ['GetItem', 'UpdateItem'] as const;
/** An audited tenant setting: read, then replaced with its audit record in one transaction. */
const REPLACES_SETTING: ExpectedPermissions = { tables: { domain: ['GetItem', 'PutItem'], ...AUDITED } };
/** A tenant-partition resource and its count: created (Put + count Update), its secret sealed. */
const CREATES_WITH_SECRET: ExpectedPermissions = {
  tables: { domain: ['PutItem', 'UpdateItem'] },
  secrets: ['Encrypt'],
};
const DELETES_WITH_COUNT: ExpectedPermissions = { tables: { domain: ['DeleteItem', 'UpdateItem'] } };
const ROTATES_SECRET: ExpectedPermissions = {
  tables: { domain: ['GetItem', 'UpdateItem'] },
  secrets: ['Encrypt'],
};
/** Webhook delivery (functions/webhooks/delivery/queue.ts): the queue lives in the domain table. */
const DELIVERS_WEBHOOKS: ExpectedPermissions = {
  tables: { domain: ['Query', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
  secrets: ['Decrypt'],
  publishesEvents: true,
};

// ---- Every function, by name (the function's name without `Orderly-`) ------------------------

export const EXPECTED_PERMISSIONS: Readonly<Record<string, ExpectedPermissions>> = {
  // System: static answers.
  health: NOTHING,
  openApiDocument: NOTHING,
  docsPage: NOTHING,
  docsAsset: NOTHING,
  listEventTypes: NOTHING,

  // Single reads.
  getCustomer: READS_BY_KEY,
  getProduct: READS_BY_KEY,
  getOrder: READS_BY_KEY,
  getNeed: READS_BY_KEY,
  getApprovalRules: READS_BY_KEY,
  getFulfilmentPartners: READS_BY_KEY,
  getTenantSettings: READS_BY_KEY,
  getAnalysisRun: READS_BY_KEY,
  getLatestSegments: READS_BY_KEY,
  getNeedTrends: READS_BY_KEY,
  getLatestClassifier: READS_BY_KEY,
  getWebhookEndpoint: READS_BY_KEY,
  getWebhookDelivery: READS_BY_KEY,

  // Lists.
  listProducts: PAGES,
  listNeeds: PAGES,
  exportNeeds: PAGES,
  getNeedHistory: PAGES,
  listNeedChanges: PAGES,
  listAnalysisRuns: PAGES,
  listWebhookDeliveries: PAGES,
  listOrders: PAGES_AND_READS,
  exportOrders: PAGES_AND_READS,
  getOrderTimeline: PAGES_AND_READS,
  listApprovals: PAGES_AND_READS,
  // `?tag=`: the tag's entries (Query), then their customers (BatchGetItem).
  listCustomers: { tables: { domain: ['Query', 'BatchGetItem'] }, cursors: true },
  listWebhookEndpoints: LISTS,
  listInboundSources: LISTS,
  // Re-runs a candidate rule set over recent decisions: one Query of the orders collection, nothing else.
  simulateApprovalRules: LISTS,
  listAudit: { tables: { audit: ['Query'] }, cursors: true },
  listEvents: { tables: { events: ['Query'] }, cursors: true },
  getNeedsSummary: REPORT,
  getRevenueReport: REPORT,
  getPipelineReport: REPORT,
  getFulfilmentReport: REPORT,
  // The customer, the run's pointer, the segment's open needs (GetItem); its orders (Query on
  // ordersByCustomer); neighbour lists and product names (BatchGetItem).
  getCustomerRecommendations: { tables: { domain: ['GetItem', 'Query', 'BatchGetItem'] } },

  // Creating operations under an Idempotency-Key.
  createCustomer: CREATES_KEYED,
  batchCreateCustomers: CREATES_KEYED,
  batchCreateProducts: CREATES_KEYED,
  // A retry is answered with the product as it is now: store.getProduct, a GetItem (products/create.ts).
  createProduct: CREATES_KEYED,
  // Run and active-run lock (PutItem); a refused lock's holder and a replay (GetItem).
  createAnalysisRun: CREATES_KEYED,
  adjustStock: { tables: { domain: ['GetItem', 'UpdateItem'], ...KEYED } },
  createNeed: CREATES_NEEDS,
  createNeedsBatch: CREATES_NEEDS,
  // Customers and products of the batch (BatchGetItem), the order, timeline, reference claim
  // (PutItem), the customer's closed-order count (UpdateItem), a taken reference's owner (GetItem).
  importOrderHistory: { tables: { domain: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'], ...KEYED } },
  // Customer (GetItem), catalogue (BatchGetItem), number counter (UpdateItem), order and its
  // uniqueness items (PutItem); starts its execution at once.
  createOrder: {
    tables: { domain: ['GetItem', 'BatchGetItem', 'UpdateItem', 'PutItem'], ...KEYED },
    workflow: ['StartExecution'],
  },

  // Changes of resources.
  updateCustomer: { tables: { domain: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'], ...AUDITED } },
  updateProduct: { tables: { domain: ['GetItem', 'UpdateItem'], ...AUDITED } },
  updateNeed: { tables: { domain: ['GetItem', 'BatchGetItem', 'PutItem', 'DeleteItem'] } },
  putApprovalRules: REPLACES_SETTING,
  putFulfilmentPartners: REPLACES_SETTING,
  // The setting with its audit record, and the analysis schedule moved in the same transaction.
  putTenantSettings: {
    tables: { domain: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'], ...AUDITED },
  },

  // Order operations that change an order, and answer its waiting task where there is one.
  submitFeedback: { tables: { domain: CHANGES_ORDER } },
  approveOrder: { tables: { domain: CHANGES_ORDER }, workflow: ['SendTaskSuccess'] },
  recordDelivery: { tables: { domain: CHANGES_ORDER }, workflow: ['SendTaskSuccess'] },
  recordShipment: { tables: { domain: CHANGES_ORDER, ...KEYED }, workflow: ['SendTaskSuccess'] },
  rejectOrder: { tables: { domain: CHANGES_ORDER }, workflow: ['SendTaskFailure'] },
  reportFulfilmentFailure: { tables: { domain: CHANGES_ORDER }, workflow: ['SendTaskFailure'] },
  cancelOrder: { tables: { domain: CHANGES_ORDER }, workflow: ['SendTaskFailure'] },

  // The order lifecycle's tasks. Only the token tasks answer tokens, and only as they do.
  advanceOrder: { tables: { domain: CHANGES_ORDER } },
  escalateApproval: { tables: { domain: CHANGES_ORDER } },
  reserveStock: { tables: { domain: CHANGES_ORDER } },
  compensateOrder: { tables: { domain: CHANGES_ORDER } },
  // The timeline (Query) feeds the evaluation.
  closeOrder: { tables: { domain: ['GetItem', 'Query', 'UpdateItem', 'PutItem'] } },
  awaitApproval: { tables: { domain: PARKS_TOKEN }, workflow: ['SendTaskSuccess', 'SendTaskFailure'] },
  awaitDelivery: { tables: { domain: PARKS_TOKEN }, workflow: ['SendTaskSuccess'] },
  requestFulfilment: { tables: { domain: CHANGES_ORDER }, workflow: ['SendTaskSuccess', 'SendTaskFailure'] },

  // Consumers of the domain table's stream.
  startOrderWorkflows: { ...STREAM_CONSUMER, workflow: ['StartExecution'] },
  publishEvents: { ...STREAM_CONSUMER, publishesEvents: true },
  projectEventFeed: { ...STREAM_CONSUMER, tables: { events: ['PutItem'] } },
  linkNeedsToOrders: { ...STREAM_CONSUMER, tables: { domain: ['GetItem', 'PutItem', 'DeleteItem'] } },
  aggregateSales: {
    ...STREAM_CONSUMER,
    tables: { domain: ['GetItem'], aggregates: ['PutItem', 'UpdateItem'] },
  },
  startAnalysisRuns: {
    ...STREAM_CONSUMER,
    tables: { domain: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], aggregates: ['Query'] },
  },
  registerAnalysisTenants: {
    ...STREAM_CONSUMER,
    tables: { domain: ['GetItem', 'PutItem', 'ConditionCheckItem'] },
  },
  fanOutWebhooks: { ...STREAM_CONSUMER, ...DELIVERS_WEBHOOKS },

  // Scheduled jobs.
  // Due orders (Query), each read (GetItem) and its look recorded (UpdateItem); a stopped
  // execution described, started again, a lost answer sent.
  reconcileOrders: {
    ...SCHEDULED_JOB,
    tables: { domain: ['Query', 'GetItem', 'UpdateItem'] },
    workflow: ['DescribeExecution', 'StartExecution', 'SendTaskSuccess', 'SendTaskFailure'],
  },
  queueDueAnalysisRuns: {
    ...SCHEDULED_JOB,
    tables: { domain: ['Query', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
  },
  sweepWebhookDeliveries: { ...SCHEDULED_JOB, ...DELIVERS_WEBHOOKS },
  // A redelivery is attempted at once, as the workers attempt it.
  redeliverWebhook: DELIVERS_WEBHOOKS,

  // Webhook endpoints and inbound sources.
  createWebhookEndpoint: CREATES_WITH_SECRET,
  createInboundSource: CREATES_WITH_SECRET,
  deleteWebhookEndpoint: DELETES_WITH_COUNT,
  deleteInboundSource: DELETES_WITH_COUNT,
  rotateWebhookEndpointSecret: ROTATES_SECRET,
  rotateInboundSourceSecret: ROTATES_SECRET,
  // One conditional UpdateItem that answers with the new item.
  updateWebhookEndpoint: { tables: { domain: ['UpdateItem'] } },
  // Signed inbound messages: the source's lookup (GetItem) and its secret opened, then once per webhook-id.
  receiveFulfilmentReport: {
    tables: { domain: CHANGES_ORDER, ...KEYED },
    workflow: ['SendTaskSuccess', 'SendTaskFailure'],
    secrets: ['Decrypt'],
  },
  receiveNeed: { ...CREATES_NEEDS, secrets: ['Decrypt'] },

  // Machine clients (infra/machine-clients.ts; present when clients are configured): the
  // pre-token-generation trigger reads a client's registry item, CDK's SDK-call provider writes
  // and deletes them, each on registry keys only.
  preTokenGeneration: { tables: { domain: ['GetItem'] }, leadingKeys: ['MACHINE_CLIENT#*'] },
  machineClientRegistry: {
    tables: { domain: ['UpdateItem', 'DeleteItem'] },
    leadingKeys: ['MACHINE_CLIENT#*'],
    tableNamesInEnvironment: false,
  },
};

/**
 * Memory (MB) and timeout (s) set on purpose, pinned here; every other function keeps the
 * defaults of its kind, which test/infra/stack.test.ts checks against the manifest.
 */
export const DELIBERATE_SIZES: Readonly<Record<string, { memoryMb?: number; timeoutSeconds: number }>> = {
  // A whole analysis run in one invocation: Lambda's longest timeout, and 3 GB for the CPU share.
  startAnalysisRuns: { memoryMb: 3008, timeoutSeconds: 900 },
  // An imported order of 1,000 lines is some thirty transactions.
  aggregateSales: { timeoutSeconds: 300 },
  // It polls a 50-second window (its schedule's payload), then drains what it found.
  sweepWebhookDeliveries: { timeoutSeconds: 120 },
  // Cognito waits five seconds for the trigger.
  preTokenGeneration: { memoryMb: 512, timeoutSeconds: 5 },
};
