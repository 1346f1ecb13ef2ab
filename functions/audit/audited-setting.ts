import { domainTableName } from '../shared/db/client';
import { readSetting } from '../shared/db/tenant-setting';
import type { TransactItem } from '../shared/db/transact-item';
import { WriteCancelledError, writeItems } from '../shared/db/write-items';
import { PreconditionFailedError } from '../shared/http/errors';
import type { AuditContext } from './audited-update';
import { auditedChanges, auditItems } from './records';

export interface AuditedSettingArgs {
  key: { pk: string; sk: string };
  entity: string;
  /** The version the caller read (consistently) and found equal to its If-Match; 0: never saved. */
  expectedVersion: number;
  /** The setting's fields as in force before and after (defaults filled in), for the audit records. */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** The fields an audit record names. */
  audited: readonly string[];
  auditResource: string;
  /** The setting's own fields as stored. */
  fields: Record<string, unknown>;
  context: AuditContext;
  now: string;
  /** Other items of the save's transaction, after the audit records (the analysis schedule's move). */
  also?: readonly TransactItem[];
}

/**
 * Replaces a tenant's setting (one item, replaced whole, guarded by its version) with an audit
 * record per field that changed, in one transaction. Shared by the approval rules and the
 * fulfilment-partner routing. A save that changes nothing takes a new version and writes no record.
 * Returns the new version.
 */
export async function replaceAuditedSetting(args: AuditedSettingArgs): Promise<number> {
  const version = args.expectedVersion + 1;
  const guard =
    args.expectedVersion === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': args.expectedVersion },
        };
  const changes = auditedChanges(args.before, args.after, args.audited, {
    ...args.context,
    at: args.now,
    resource: args.auditResource,
  });
  const put = {
    Put: {
      TableName: domainTableName(),
      Item: {
        ...args.key,
        entity: args.entity,
        tenantId: args.context.tenantId,
        ...args.fields,
        version,
        updatedAt: args.now,
        updatedBy: args.context.actor,
      },
      ...guard,
    },
  };
  try {
    await writeItems([put, ...auditItems(changes), ...(args.also ?? [])]);
  } catch (error) {
    // Saved by someone else between the read and the write (or at the same moment): as stale as a wrong If-Match.
    const lost = (reason: string | undefined) =>
      reason === 'ConditionalCheckFailed' || reason === 'TransactionConflict';
    if (error instanceof WriteCancelledError && lost(error.reasons[0]))
      throw new PreconditionFailedError((await readSetting(args.key, { consistentRead: true })).version);
    throw error;
  }
  return version;
}
