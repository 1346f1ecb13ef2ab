import { httpHandler } from '../shared/http/handler';
import { csv } from '../shared/http/response';
import { exportPart } from './export-parts';
import { exportOrders } from './operations';
import { orderScopeOf } from './partner-scope';

export const handler = httpHandler(exportOrders, async ({ principal, query }) => {
  const part = await exportPart(principal.tenantId, orderScopeOf(principal), query);
  if (part.nextCursor === undefined) return csv(part.text, 'orders.csv');
  const next = new URLSearchParams({ ...withoutCursor(query), cursor: part.nextCursor });
  return csv(part.text, 'orders.csv', { link: `</v1/orders/export?${next}>; rel="next"` });
});

/** The filters as they were given, to repeat them in the next part's URL. */
const withoutCursor = ({ cursor: _cursor, ...filters }: Record<string, string | undefined>) =>
  Object.fromEntries(
    Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
