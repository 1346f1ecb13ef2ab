import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { findByReference } from './find-by-reference';
import { listOrderPage } from './list-store';
import { listOrders } from './operations';
import { orderScopeOf } from './partner-scope';

export const handler = httpHandler(listOrders, async ({ principal, query }) => {
  const { number, externalRef, ...filter } = query;
  const scope = orderScopeOf(principal);
  if (number !== undefined || externalRef !== undefined)
    return json(200, await findByReference(principal.tenantId, scope, { number, externalRef }, filter));
  return json(200, await listOrderPage(principal.tenantId, scope, filter));
});
