import { requiredEnv } from '../shared/db/client';
import { tenantKey } from '../shared/db/keys';
import type { TransactItem } from '../shared/db/transact-item';
import { newId } from '../shared/ids';

/** Who made a sensitive change, what changed and where the request came from. */
export interface AuditChange {
  tenantId: string;
  /** The caller's user id (`sub`). */
  actor: string;
  /** ISO time of the change (the request's clock). */
  at: string;
  /** `<kind>/<id>`, e.g. `product/01J…`, `customer/01J…`, `approval-rules/current`. */
  resource: string;
  /** The field that changed, e.g. `unitPrice`, `creditLimit`, `rules`. */
  field: string;
  /** The value before and after; `null` when absent. */
  before: unknown;
  after: unknown;
  /** The API request's id (API Gateway's `requestContext.requestId`), to find its logs. */
  requestId: string;
  /** The operation that made it, e.g. `updateProduct`. */
  operation: string;
}

const DAY_SECONDS = 86_400;
/** Seven years by default: what most bookkeeping rules ask of records that explain money. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 2557;
export const auditTableName = () => requiredEnv('AUDIT_TABLE_NAME');

/** How long records are kept (`AUDIT_RETENTION_DAYS`); TTL deletes them after. */
export function auditRetentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const days = Number(env.AUDIT_RETENTION_DAYS);
  return Number.isInteger(days) && days > 0 ? days : DEFAULT_AUDIT_RETENTION_DAYS;
}

/** The partition of every index an audit record is read from: all start with the tenant. */
export const auditPartitions = {
  tenant: (tenantId: string) => tenantKey(tenantId),
  resource: (tenantId: string, resource: string) => `${tenantKey(tenantId)}#R#${resource}`,
  actor: (tenantId: string, actor: string) => `${tenantKey(tenantId)}#A#${actor}`,
};

/**
 * One Put per changed field, for the transaction that makes the change: the record commits with
 * the change or not at all. Records are append-only: the Put's condition refuses to overwrite
 * one, and no function is granted UpdateItem or DeleteItem on the audit table.
 * The id is a ULID, so records sort by time under every index.
 */
export function auditItems(changes: readonly AuditChange[]): TransactItem[] {
  const expiresAt = (at: string) => Math.floor(Date.parse(at) / 1000) + auditRetentionDays() * DAY_SECONDS;
  return changes.map((change) => {
    const id = newId();
    return {
      Put: {
        TableName: auditTableName(),
        Item: {
          pk: auditPartitions.tenant(change.tenantId),
          sk: id,
          resourcePk: auditPartitions.resource(change.tenantId, change.resource),
          actorPk: auditPartitions.actor(change.tenantId, change.actor),
          id,
          ...change,
          before: change.before ?? null,
          after: change.after ?? null,
          expiresAt: expiresAt(change.at),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  });
}

/**
 * The audit changes of a merge patch over the fields that need an audit: one per field the patch
 * carries whose value differs from `current` (a field set to what it was is no change).
 */
export function auditedChanges(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
  fields: readonly string[],
  base: Omit<AuditChange, 'field' | 'before' | 'after'>,
): AuditChange[] {
  return fields
    .filter((field) => patch[field] !== undefined)
    .filter((field) => !sameValue(current[field], patch[field]))
    .map((field) => ({ ...base, field, before: current[field] ?? null, after: patch[field] ?? null }));
}

/** Equal as JSON values, whatever the order of object keys; absent and null alike. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}
