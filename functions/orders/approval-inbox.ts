import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../shared/auth/principal';
import { APPROVING_ROLES } from '../shared/auth/roles';
import { documentClient, domainTableName } from '../shared/db/client';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
import { tenantKey } from '../shared/db/keys';
import { pendingLevel, refusalToDecide } from './approval-levels';
import { inboxPartition } from './keys';
import { orderFilterOf } from './partner-access';
import { orderScopeOf } from './partner-scope';
import type { ApprovalLevel, PendingApproval } from './schemas';

/** Queries one inbox page may make in all: every role's first read, then more while items are left out. */
export const MAX_INBOX_READS = 12;

const LIST = 'APPROVALS';
/** The inbox's cursor: the caller's tenant and the position to continue after. */
const CURSOR_ATTRIBUTES = ['tenant', 'after'] as const;

type Key = Record<string, unknown>;

export interface SortedSource<T> {
  /** The next items of this source in ascending sort-key order; `lastKey` when more remain. */
  read(startKey: Key | undefined): Promise<{ items: T[]; lastKey?: Key }>;
}

/**
 * Merges sources that are each sorted by `sortKey` into one ascending sequence, keeping the
 * items `keep` accepts, until `limit` are kept or `maxReads` reads are spent. An item is taken
 * only when every source that still has items has shown its next one, so `position` (the sort
 * key of the last item looked at, kept or not) is a point before which nothing remains unseen:
 * the next page starts after it.
 */
export async function mergeSorted<T>(args: {
  sources: readonly SortedSource<T>[];
  sortKey: (item: T) => string;
  keep: (item: T) => boolean;
  limit: number;
  maxReads: number;
}): Promise<{ items: T[]; position?: string; more: boolean }> {
  const states = args.sources.map((source) => ({
    source,
    buffer: [] as T[],
    lastKey: undefined as Key | undefined,
    done: false,
  }));
  let reads = 0;
  const fill = async (state: (typeof states)[number]) => {
    reads++;
    const page = await state.source.read(state.lastKey);
    state.buffer.push(...page.items);
    state.lastKey = page.lastKey;
    state.done = !page.lastKey;
  };
  await Promise.all(states.map(fill));
  const items: T[] = [];
  let position: string | undefined;
  while (items.length < args.limit) {
    const empty = states.filter((s) => s.buffer.length === 0 && !s.done);
    if (empty.length > 0) {
      if (reads + empty.length > args.maxReads) return { items, position, more: position !== undefined };
      await Promise.all(empty.map(fill));
      continue;
    }
    let first: (typeof states)[number] | undefined;
    for (const state of states) {
      const head = state.buffer[0];
      if (head === undefined) continue;
      if (!first || args.sortKey(head) < args.sortKey(first.buffer[0] as T)) first = state;
    }
    if (!first) return { items, position, more: false };
    const item = first.buffer.shift() as T;
    position = args.sortKey(item);
    if (args.keep(item)) items.push(item);
  }
  return { items, position, more: states.some((s) => s.buffer.length > 0 || !s.done) };
}

interface InboxEntry {
  id: string;
  number: string;
  customerId: string;
  total: PendingApproval['total'];
  createdBy: string;
  approval?: { decision?: { ruleId?: string }; levels: ApprovalLevel[] };
  approvalExpired?: unknown;
  partnerId?: string;
  inboxSk: string;
}

/**
 * The caller's approval inbox: the pending levels of the tenant's orders that wait on one of the
 * caller's roles and that the caller may decide (not their own orders, not a second level of an
 * order they already decided, not a level named for someone else), oldest request first.
 * One Query per approving role of the caller on `approvalsByRole`, merged by request time; more
 * only while entries are left out, at most MAX_INBOX_READS in all. A partner-bound caller sees the
 * orders of its partner only (an order waiting for approval is not assigned yet: the default
 * partner's), which costs one GetItem of the partner setting.
 */
export async function approvalInbox(
  who: Principal,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: PendingApproval[]; nextCursor?: string }> {
  const visible = await orderFilterOf(who.tenantId, orderScopeOf(who));
  const tenant = { attribute: 'tenant', value: tenantKey(who.tenantId) };
  const after = (await decodeCursor(cursor, LIST, tenant, CURSOR_ATTRIBUTES))?.after as string | undefined;
  const roles = APPROVING_ROLES.filter((role) => who.roles.includes(role));
  const sources = roles.map(
    (role): SortedSource<InboxEntry> => ({
      read: async (startKey) => {
        const result = await documentClient.send(
          new QueryCommand({
            TableName: domainTableName(),
            IndexName: 'approvalsByRole',
            KeyConditionExpression:
              after === undefined ? 'inboxPk = :p' : 'inboxPk = :p AND inboxSk > :after',
            ExpressionAttributeValues: {
              ':p': inboxPartition(who.tenantId, role),
              ...(after === undefined ? {} : { ':after': after }),
            },
            ProjectionExpression:
              'id, #number, customerId, #total, createdBy, approval, approvalExpired, partnerId, inboxSk',
            ExpressionAttributeNames: { '#number': 'number', '#total': 'total' },
            ExclusiveStartKey: startKey,
            Limit: limit + 1,
          }),
        );
        return { items: (result.Items ?? []) as InboxEntry[], lastKey: result.LastEvaluatedKey };
      },
    }),
  );
  const page = await mergeSorted({
    sources,
    sortKey: (entry) => entry.inboxSk,
    keep: (entry) => {
      const level = pendingLevel(entry.approval?.levels);
      return (
        visible(entry) &&
        !entry.approvalExpired &&
        level !== undefined &&
        refusalToDecide(entry, level, who) === undefined
      );
    },
    limit,
    maxReads: MAX_INBOX_READS,
  });
  return {
    items: page.items.map(toPendingApproval),
    nextCursor:
      page.more && page.position
        ? await encodeCursor(LIST, { tenant: tenant.value, after: page.position })
        : undefined,
  };
}

function toPendingApproval(entry: InboxEntry): PendingApproval {
  const level = pendingLevel(entry.approval?.levels) as ApprovalLevel;
  const ruleId = entry.approval?.decision?.ruleId;
  return {
    orderId: entry.id,
    orderNumber: entry.number,
    customerId: entry.customerId,
    total: entry.total,
    level: level.level,
    role: level.role,
    ...(level.approverUserId ? { approverUserId: level.approverUserId } : {}),
    requestedAt: level.requestedAt as string,
    dueAt: level.dueAt as string,
    ...(ruleId ? { ruleId } : {}),
  };
}
