import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { putFulfilmentPartners } from './operations';
import * as store from './store';

export const handler = httpHandler(putFulfilmentPartners, async ({ principal, body, ifMatch, requestId }) => {
  const by = {
    actor: principal.userId,
    at: new Date().toISOString(),
    requestId,
    operation: putFulfilmentPartners.operationId,
  };
  const saved = await store.putPartnerRouting(principal.tenantId, body, ifMatch, by);
  return json(200, store.toFulfilmentPartners(saved), { etag: etagOf(saved.version) });
});
