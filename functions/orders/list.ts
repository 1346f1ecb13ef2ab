import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { findByReference } from './find-by-reference';
import { listOrders } from './operations';
import { orderScopeOf } from './partner-scope';
import * as store from './store';

export const handler = httpHandler(listOrders, async ({ principal, query }) => {
  const { number, externalRef, ...filter } = query;
  const scope = orderScopeOf(principal);
  if (number !== undefined || externalRef !== undefined)
    return json(200, await findByReference(principal.tenantId, scope, { number, externalRef }, filter));
  return json(200, await store.listOrders(principal.tenantId, scope, filter));
});
