import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { getFulfilmentPartners } from './operations';
import * as store from './store';

export const handler = httpHandler(getFulfilmentPartners, async ({ principal }) => {
  // Consistent: an admin reads to edit, and must see the version the next PUT is checked against.
  const current = await store.getPartnerRouting(principal.tenantId, { consistentRead: true });
  return json(200, store.toFulfilmentPartners(current), { etag: etagOf(current.version) });
});
