import { NEED_ENTITY, needKey } from './keys';
import { Need } from './schemas';

const FIELDS = Object.keys(Need.shape) as (keyof Need)[];

/** The API resource from a stored item (the need's or an index entry's copy), in schema order. */
export function toNeed(item: Record<string, unknown>): Need {
  const need: Record<string, unknown> = {};
  for (const field of FIELDS) if (item[field] !== undefined) need[field] = item[field];
  return need as Need;
}

/**
 * The need's item: the resource's attributes at the top level (the aggregates read them from the
 * stream's images), with its key, `entity` and `tenantId`.
 */
export function needItem(tenantId: string, need: Need): Record<string, unknown> {
  return { ...needKey(tenantId, need.id), entity: NEED_ENTITY, tenantId, ...need };
}
