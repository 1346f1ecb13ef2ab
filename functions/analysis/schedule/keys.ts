import { tenantKey } from '../../shared/db/keys';

/**
 * Where the analysis schedule lives:
 * - the tenant's schedule: one item per tenant (its cron, zone, next due time, version), written
 *   when the tenant first has data (register-tenants.ts) and moved by its settings and the job;
 * - the due entries: ONE SYSTEM PARTITION for all tenants, sorted by due time, which the job
 *   Queries for what is due without a Scan. This is the one documented exception to "every key
 *   starts with the tenant" (docs/design.md; like the reconciler's `ordersToReconcile` index, it
 *   serves a cross-tenant job): it holds a tenant id and a time, never tenant data, and no API
 *   reads it. A tenant writes it about once a day, far below a partition's 1,000 writes a second.
 */
export const ANALYSIS_SCHEDULE_ENTITY = 'ANALYSIS_SCHEDULE';
export const ANALYSIS_DUE_ENTITY = 'ANALYSIS_DUE';

export const scheduleKey = (tenantId: string) => ({
  pk: `${tenantKey(tenantId)}#${ANALYSIS_SCHEDULE_ENTITY}`,
  sk: ANALYSIS_SCHEDULE_ENTITY,
});

export const DUE_PARTITION = 'SYS#ANALYSIS_DUE';

/** A tenant's due entry: its due time first (ISO 8601 UTC sorts as time), then the tenant. */
export const dueKey = (dueAt: string, tenantId: string) => ({
  pk: DUE_PARTITION,
  sk: `${dueAt}#${tenantId}`,
});

/**
 * The Query bound of "due at or before `now`": `$` sorts right after `#`, so every
 * `<now>#<tenant>` is below it and every later due time above.
 */
export const dueBound = (now: Date) => `${now.toISOString()}$`;
