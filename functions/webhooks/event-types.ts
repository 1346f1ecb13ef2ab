import { CLOUD_EVENT_TYPES } from '../events/catalogue';

/**
 * The event types a webhook endpoint can subscribe to: every domain event under its CloudEvents
 * type without the `orderly.` prefix (`orderly.order.shipped` → `order.shipped`), and the
 * webhook system's own `webhook.endpoint_disabled`. A subscription is a list of filters, each an
 * exact type, a prefix wildcard (`order.*`) or `*` for everything.
 */
export const ENDPOINT_DISABLED = 'webhook.endpoint_disabled';

export const webhookTypeOf = (cloudEventType: string): string => cloudEventType.replace(/^orderly\./, '');

export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  ...CLOUD_EVENT_TYPES.map(webhookTypeOf),
  ENDPOINT_DISABLED,
];

/** A filter that matches at least one type that exists: a typo never subscribes to nothing silently. */
export function isValidEventFilter(filter: string): boolean {
  return WEBHOOK_EVENT_TYPES.some((type) => matchesFilter(type, filter));
}

export function matchesFilter(type: string, filter: string): boolean {
  if (filter === '*') return true;
  if (filter.endsWith('.*')) return type.startsWith(filter.slice(0, -1));
  return type === filter;
}

export const matchesAny = (type: string, filters: readonly string[]): boolean =>
  filters.some((filter) => matchesFilter(type, filter));
