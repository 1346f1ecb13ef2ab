import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { putApprovalRules } from './operations';
import * as store from './store';
import { assertValidRuleSet } from './validate';

export const handler = httpHandler(putApprovalRules, async ({ principal, body, ifMatch }) => {
  assertValidRuleSet(body);
  const saved = await store.putRuleSet(
    principal.tenantId,
    body,
    ifMatch,
    principal.userId,
    new Date().toISOString(),
  );
  return json(200, store.toApprovalRules(saved), { etag: etagOf(saved.version) });
});
