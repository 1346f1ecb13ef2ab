import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { getApprovalRules } from './operations';
import * as store from './store';

export const handler = httpHandler(getApprovalRules, async ({ principal }) => {
  // Consistent: an admin reads to edit, and must see the version the next PUT is checked against.
  const current = await store.getRuleSet(principal.tenantId, { consistentRead: true });
  return json(200, store.toApprovalRules(current), { etag: etagOf(current.version) });
});
