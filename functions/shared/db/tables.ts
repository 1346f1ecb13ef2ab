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
  id: 'domain' | 'idempotency' | 'audit' | 'events' | 'aggregates';
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
    {
      name: 'ordersByPartner',
      partitionKey: 'partnerPk',
      sortKey: 'partnerSk',
      projection: 'ALL',
      serves:
        'a fulfilment partner’s orders by creation time (GET /v1/orders as a partner; sparse: from the assignment when fulfilment is requested)',
    },
    {
      name: 'ordersToReconcile',
      partitionKey: 'reconcilePk',
      sortKey: 'reconcileSk',
      projection: 'KEYS_ONLY',
      serves:
        'the stuck-order reconciler: non-final orders by the time they are next due for a look, across tenants in a few shards (sparse: final orders leave it)',
    },
    // Customers by country (helper B, issue 9): functions/customers/keys.ts.
    {
      name: 'customersByCountry',
      partitionKey: 'countryPk',
      sortKey: 'countrySk',
      // The customer's own fields only (kept equal to the Customer schema by a test): the open
      // balance that every approval and close moves on the customer item never writes the index.
      projection: {
        include: [
          ...['id', 'name', 'email', 'phone', 'phoneE164', 'address', 'contacts', 'addresses'],
          ...['creditLimit', 'tags', 'segments', 'externalRef', 'createdAt', 'updatedAt', 'version'],
        ],
      },
      serves:
        'a tenant’s customers whose primary address is in one country, in id (= creation) order (GET /v1/customers?country=…; sparse: customers without an address are not in it)',
    },
  ],
  // Only derived, re-computable items expire (an analysis run's results, 90 days after it): every
  // record of the business itself has no `expiresAt` and stays.
  timeToLiveAttribute: 'expiresAt',
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

/**
 * Sensitive changes (functions/audit/records.ts): append-only, written in the transaction of the
 * change. Its own table so that IAM can make it append-only (writers get PutItem only, on
 * condition that the record is new) and so that its retention is its own. Records of a tenant
 * sort by time (ULID) in the table; the indexes serve the two other questions an auditor asks.
 */
export const auditTable: TableDefinition = {
  id: 'audit',
  envVar: 'AUDIT_TABLE_NAME',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    {
      name: 'auditByResource',
      partitionKey: 'resourcePk',
      sortKey: 'sk',
      projection: 'ALL',
      serves: 'the changes of one resource by time (GET /v1/audit?resource=…)',
    },
    {
      name: 'auditByActor',
      partitionKey: 'actorPk',
      sortKey: 'sk',
      projection: 'ALL',
      serves: 'the changes one person made by time (GET /v1/audit?actor=…)',
    },
  ],
  // Kept for AUDIT_RETENTION_DAYS (seven years by default), then TTL deletes them.
  timeToLiveAttribute: 'expiresAt',
  stream: false,
};

/**
 * The per-tenant pull feed of domain events (GET /v1/events), projected from the domain table's
 * stream (functions/events/). Its own table so that its 30-day retention (TTL) is its own and the
 * domain table's timeline keeps every event for ever.
 */
export const eventsTable: TableDefinition = {
  id: 'events',
  envVar: 'EVENTS_TABLE_NAME',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    {
      name: 'eventsByType',
      partitionKey: 'typePk',
      sortKey: 'sk',
      projection: 'ALL',
      serves: 'a tenant’s events of one type in feed order (GET /v1/events?type=…)',
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: false,
};

// Sales aggregates (helper C, issue 9): functions/aggregates/keys.ts.
/**
 * The live sales aggregates (functions/aggregates/): counts and sums per period and group, kept
 * from the domain table's stream by aggregateSales and read by the reports. Its own table so that
 * its write heat, its capacity and its markers' TTL are its own. Derived data, but derived from
 * every change since the first: the stream keeps only a day, so it is kept like the records.
 */
export const aggregatesTable: TableDefinition = {
  id: 'aggregates',
  envVar: 'AGGREGATES_TABLE_NAME',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [],
  // Applied-record markers expire after the stream's retention; aggregate items never do.
  timeToLiveAttribute: 'expiresAt',
  stream: false,
};

export const tables = [domainTable, idempotencyTable, auditTable, eventsTable, aggregatesTable] as const;
