import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { simulateApprovalRules } from './operations';
import { listRecentOrderDecisions } from './recent-decisions';
import { simulate } from './simulate';
import { assertValidRuleSet } from './validate';

export const handler = httpHandler(simulateApprovalRules, async ({ principal, body }) => {
  const { limit, ...candidate } = body;
  assertValidRuleSet(candidate);
  const recent = await listRecentOrderDecisions(principal.tenantId, limit);
  return json(200, simulate(candidate, recent));
});
