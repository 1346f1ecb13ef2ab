import { auditContextOf } from '../audit/audited-update';
import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { putTenantSettings } from './operations';
import * as store from './tenant-store';
import { canonicalTimeZone } from './time-zone';

export const handler = httpHandler(putTenantSettings, async (input) => {
  const { principal, body, ifMatch } = input;
  // The schema let only known zones through; stored in one spelling.
  const timeZone = canonicalTimeZone(body.timeZone) as string;
  const context = auditContextOf(putTenantSettings, input);
  const change = { timeZone, analysisSchedule: body.analysisSchedule };
  const saved = await store.putTenantSettings(principal.tenantId, change, ifMatch, context, new Date());
  return json(200, store.toTenantSettings(saved), { etag: etagOf(saved.version) });
});
