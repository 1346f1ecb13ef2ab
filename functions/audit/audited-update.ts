import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/db/client';
import type { TransactItem } from '../shared/db/transact-item';
import { applyMergePatch, versionedUpdate, versionedUpdateItem } from '../shared/db/versioned-update';
import { WriteCancelledError, writeItems } from '../shared/db/write-items';
import { NotFoundError, PreconditionFailedError } from '../shared/http/errors';
import { type AuditChange, auditedChanges, auditItems, sameValue } from './records';

/** Who is changing what: the part of an audit record the request gives. */
export interface AuditContext {
  tenantId: string;
  actor: string;
  requestId: string;
  operation: string;
}

export interface AuditedUpdateArgs {
  tableName: string;
  key: { pk: string; sk: string };
  /** For 404s: `Product`, `Customer`. */
  resource: string;
  id: string;
  /** The audit record's resource, e.g. `product/<id>`. */
  auditResource: string;
  expectedVersion: number;
  patch: Record<string, unknown>;
  now: string;
  context: AuditContext;
  /** The fields whose changes are audited. */
  audited: readonly string[];
  /** Attributes to set besides the patch when an audited field changes (who changed terms, when). */
  tracking?: (current: Record<string, unknown>, changes: readonly AuditChange[]) => Record<string, unknown>;
  /** Other items of the same transaction (a uniqueness item moving with the update). */
  also?: (current: Record<string, unknown>) => TransactItem[];
  /** Told which items failed before the answer becomes a 412 (e.g. a taken uniqueness value → 409). */
  onCancelled?: (reasons: readonly (string | undefined)[]) => Promise<void>;
}

/**
 * A versioned merge-patch update that writes an audit record per audited field it changes, in the
 * same transaction: the change and its record commit together or not at all. It reads the item
 * first (one GetItem) to know the values before; the version condition makes that read the state
 * being replaced. A patch that changes no audited field and moves nothing stays one UpdateItem.
 * Returns the item as written.
 */
export async function auditedUpdate(args: AuditedUpdateArgs): Promise<Record<string, unknown>> {
  const touchesAudited = args.audited.some((field) => args.patch[field] !== undefined);
  if (!touchesAudited && !args.also) return versionedUpdate(args);
  const current = await read(args);
  if (current.version !== args.expectedVersion) throw new PreconditionFailedError(Number(current.version));
  const changes = auditedChanges(current, args.patch, args.audited, {
    ...args.context,
    at: args.now,
    resource: args.auditResource,
  });
  // Read anyway: a patch that sets every field to what it is already writes nothing at all.
  if (Object.entries(args.patch).every(([field, value]) => sameValue(current[field], value))) return current;
  const also = args.also?.(current) ?? [];
  if (changes.length === 0 && also.length === 0) return versionedUpdate(args);
  const patch = { ...args.patch, ...(changes.length ? args.tracking?.(current, changes) : {}) };
  const items = [{ Update: versionedUpdateItem({ ...args, patch }) }, ...also, ...auditItems(changes)];
  try {
    await writeItems(items);
  } catch (error) {
    if (!(error instanceof WriteCancelledError)) throw error;
    await args.onCancelled?.(error.reasons);
    // The item changed meanwhile: answer as the versioned update would (412 with its version, or 404).
    const latest = await read(args);
    throw new PreconditionFailedError(Number(latest.version));
  }
  return applyMergePatch(current, patch, args.now);
}

async function read(args: AuditedUpdateArgs): Promise<Record<string, unknown>> {
  const result = await documentClient.send(
    new GetCommand({ TableName: args.tableName, Key: args.key, ConsistentRead: true }),
  );
  if (!result.Item) throw new NotFoundError(args.resource, args.id);
  return result.Item;
}

/** The audit context of an API request: its tenant, caller, request id and operation. */
export function auditContextOf(
  op: { operationId: string },
  input: { principal: { tenantId: string; userId: string }; requestId: string },
): AuditContext {
  return {
    tenantId: input.principal.tenantId,
    actor: input.principal.userId,
    requestId: input.requestId,
    operation: op.operationId,
  };
}
