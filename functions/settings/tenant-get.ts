import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { getTenantSettings } from './operations';
import * as store from './tenant-store';

export const handler = httpHandler(getTenantSettings, async ({ principal }) => {
  // Consistent: an admin reads to edit, and must see the version the next PUT is checked against.
  const current = await store.getTenantSettings(principal.tenantId, { consistentRead: true });
  return json(200, store.toTenantSettings(current), { etag: etagOf(current.version) });
});
