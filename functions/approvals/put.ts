import { auditContextOf } from '../audit/audited-update';
import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { putApprovalRules } from './operations';
import * as store from './store';
import { assertValidRuleSet } from './validate';

export const handler = httpHandler(putApprovalRules, async (input) => {
  const { principal, body, ifMatch } = input;
  assertValidRuleSet(body);
  const context = auditContextOf(putApprovalRules, input);
  const saved = await store.putRuleSet(principal.tenantId, body, ifMatch, context, new Date().toISOString());
  return json(200, store.toApprovalRules(saved), { etag: etagOf(saved.version) });
});
