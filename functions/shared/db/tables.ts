/**
 * The tables, declared once as plain data. The CDK stack builds `TableV2`s from this and the
 * local twin issues `CreateTable` from it, so keys, indexes, stream and TTL cannot drift.
 */
/** What an index copies of each item: every attribute, only the keys, or the keys and the listed attributes. */
export type IndexProjection = 'ALL' | 'KEYS_ONLY' | { include: readonly string[] };

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** What its readers need; every write of a projected attribute also writes the index. */
  projection: IndexProjection;
  /** What the index serves, for readers of the stack and the docs. */
  serves: string;
}

export interface TableDefinition {
  /** Logical id; the physical name is given to handlers in `envVar`. */
  id: 'domain' | 'idempotency';
  envVar: string;
  partitionKey: string;
  sortKey?: string;
  indexes: IndexDefinition[];
  timeToLiveAttribute?: string;
  /** Change stream (NEW_AND_OLD_IMAGES): the outbox for events. */
  stream: boolean;
}

export const domainTable: TableDefinition = {
  id: 'domain',
  envVar: 'DOMAIN_TABLE_NAME',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    {
      name: 'byTenantCollection',
      partitionKey: 'collectionPk',
      sortKey: 'collectionSk',
      projection: 'ALL',
      serves:
        'listing one kind of record of one tenant (customers, products, orders) in id (= creation) order',
    },
    {
      name: 'ordersByStatus',
      partitionKey: 'statusPk',
      sortKey: 'statusSk',
      projection: 'ALL',
      serves: 'a tenant’s orders in one status, by creation time (GET /v1/orders?status=…)',
    },
    {
      name: 'ordersByCustomer',
      partitionKey: 'customerPk',
      sortKey: 'customerSk',
      projection: 'ALL',
      serves: 'one customer’s orders by creation time (GET /v1/orders?customerId=…)',
    },
    {
      name: 'approvalsByRole',
      partitionKey: 'inboxPk',
      sortKey: 'inboxSk',
      projection: 'ALL',
      serves:
        'the approval inbox: orders waiting on a role, oldest request first (sparse: only while waiting)',
    },
  ],
  stream: true,
};

export const idempotencyTable: TableDefinition = {
  id: 'idempotency',
  envVar: 'IDEMPOTENCY_TABLE_NAME',
  partitionKey: 'id',
  indexes: [],
  // Records (functions/shared/idempotency/record.ts) expire after their retention (24 h by default);
  // TTL deletes them some time after, and reads ignore expired ones meanwhile.
  timeToLiveAttribute: 'expiration',
  stream: false,
};

export const tables = [domainTable, idempotencyTable] as const;
