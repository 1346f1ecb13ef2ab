import { createHash } from 'node:crypto';
import { collectionKey, entityKey, tenantKey } from '../../shared/db/keys';

/**
 * The durable delivery queue, in the domain table (docs/webhooks.md "The queue"):
 *
 * - a **delivery** per (endpoint, event): `T#<t>#WEBHOOK_DELIVERY#<deliveryId>`, its id made of the
 *   endpoint's and the event's (`<endpointId>.<webhookId>`), so the same stream record fanned out
 *   twice finds its delivery there and enqueues nothing; it holds the message, status and attempt
 *   log, and lists per endpoint on `byTenantCollection` (`T#<t>#WEBHOOK_DELIVERIES#<endpointId>`,
 *   newest first by `<createdAt>#<id>`);
 * - a **lane entry** per pending delivery: `T#<t>#WEBHOOK_LANE#<endpointId>#<laneId>`, sort key the
 *   webhook-id (`<orderId>.<seq>` sorts in the order's sequence): the lane's first entry is the only
 *   one sent, so a later event waits while an earlier one retries;
 * - **due entries**: `SYS#WEBHOOK_DUE#<shard>`, sort key `<dueAt>#<tenant>#<endpointId>#<laneId>`, a
 *   wake-up call for a lane that the sweeper Queries by time (no index). They are the documented
 *   cross-tenant exception (docs/security.md), like `SYS#ANALYSIS_DUE`: they hold ids and a time,
 *   never tenant data, and no API reads them. A lane may have more than one; a spare one costs a
 *   Query and is deleted, a missing one would strand the lane, so every write that leaves a lane
 *   waiting puts one in the same transaction.
 */
export const DELIVERY_ENTITY = 'WEBHOOK_DELIVERY';
export const LANE_ENTRY_ENTITY = 'WEBHOOK_LANE_ENTRY';
export const DUE_ENTITY = 'WEBHOOK_DUE';
export const DUE_SHARDS = 4;

export const deliveryIdOf = (endpointId: string, webhookId: string) => `${endpointId}.${webhookId}`;

export const deliveryKey = (tenantId: string, deliveryId: string) =>
  entityKey(tenantId, DELIVERY_ENTITY, deliveryId);

export const deliveriesCollection = (endpointId: string) => `WEBHOOK_DELIVERIES#${endpointId}`;

export const deliveryListAttributes = (
  tenantId: string,
  endpointId: string,
  createdAt: string,
  id: string,
) => ({
  collectionPk: collectionKey(tenantId, deliveriesCollection(endpointId)),
  collectionSk: `${createdAt}#${id}`,
});

export const lanePartition = (tenantId: string, endpointId: string, laneId: string) =>
  `${tenantKey(tenantId)}#WEBHOOK_LANE#${endpointId}#${laneId}`;

export const laneEntryKey = (tenantId: string, endpointId: string, laneId: string, webhookId: string) => ({
  pk: lanePartition(tenantId, endpointId, laneId),
  sk: webhookId,
});

/** Where a lane wakes up; the same lane always in the same shard. */
export interface LaneRef {
  tenantId: string;
  endpointId: string;
  laneId: string;
}

export function dueShardOf(lane: LaneRef): number {
  const digest = createHash('sha256').update(`${lane.tenantId}\n${lane.endpointId}\n${lane.laneId}`).digest();
  return digest.readUInt32BE(0) % DUE_SHARDS;
}

export const duePartition = (shard: number) => `SYS#WEBHOOK_DUE#${shard}`;

export const dueKey = (lane: LaneRef, dueAt: string) => ({
  pk: duePartition(dueShardOf(lane)),
  sk: `${dueAt}#${lane.tenantId}#${lane.endpointId}#${lane.laneId}`,
});

/** The Query bound of "due at or before `at`": `$` sorts right after `#`. */
export const dueBound = (at: Date) => `${at.toISOString()}$`;
