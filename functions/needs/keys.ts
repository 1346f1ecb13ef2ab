import { entityKey, tenantKey } from '../shared/db/keys';

/** A need's item: its own partition, like every entity (docs/design.md §3). */
export const NEED_ENTITY = 'NEED';

export const needKey = (tenantId: string, needId: string) => entityKey(tenantId, NEED_ENTITY, needId);

/**
 * Every other item the needs write carries an entity of its own, never `NEED`: consumers of the
 * table's stream (the aggregates) filter on `entity = NEED` and must see each need once.
 */
export const NEED_INDEX_ENTITY = 'NEED_INDEX';
export const NEED_HISTORY_ENTITY = 'NEED_HISTORY';
export const NEED_CHANGE_ENTITY = 'NEED_CHANGE';

/**
 * A need's history shares its partition (`T#t#NEED#id`): the need is `sk = NEED`, each status
 * record `HISTORY#<version>#<n>` — the version of the need that the change produced (6 digits, so
 * they sort) and its place within that change (the system may move a need two steps in one write:
 * NEW → IN_PROGRESS → FULFILLED). So the history is one Query, in order, and no record is written twice.
 */
export const historyKey = (tenantId: string, needId: string, version: number, n: number) => ({
  pk: needKey(tenantId, needId).pk,
  sk: `HISTORY#${String(version).padStart(6, '0')}#${n}`,
});
export const HISTORY_PREFIX = 'HISTORY#';

/** The list dimensions: each value of each is one index partition (`index-entries.ts`). */
export const DIMENSIONS = ['ALL', 'TYPE', 'CHANNEL', 'STATUS', 'CUSTOMER', 'PRODUCT', 'TAG'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** `T#t#NEEDS#STATUS#NEW`, `T#t#NEEDS#TAG#<tag>`, `T#t#NEEDS#ALL`. */
export const indexPartition = (tenantId: string, dimension: Dimension, value?: string) =>
  `${tenantKey(tenantId)}#NEEDS#${dimension}${value === undefined ? '' : `#${value}`}`;

/** Index entries sort by when the customer expressed the need, then id: `<receivedAt>#<id>`. */
export const indexSortKey = (need: { receivedAt: string; id: string }) => `${need.receivedAt}#${need.id}`;

/** The tenant's status changes by the time they were recorded (`GET /v1/needs/changes`). */
export const changesPartition = (tenantId: string) => `${tenantKey(tenantId)}#NEED_CHANGES`;

export const changeSortKey = (at: string, needId: string, version: number, n: number) =>
  `${at}#${needId}#${String(version).padStart(6, '0')}#${n}`;
