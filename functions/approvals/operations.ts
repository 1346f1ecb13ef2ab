import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { RuleSet } from './rules';
import { ApprovalRules, SimulationReport, SimulationRequest } from './schemas';

const tag = 'Approval rules';
const invalidRules = {
  description:
    'The rules are well-formed but unusable (invalid-approval-rules); each error names its field and rule',
};

export const getApprovalRules = defineOperation({
  operationId: 'getApprovalRules',
  method: 'GET',
  path: '/v1/approval-rules',
  summary: 'Get the approval rules in force',
  description:
    'A tenant that never saved rules gets the defaults, with version 0 (ETag `"0"`). `overCreditLimit` and `creditOverrideRoles` show the credit guard in force, the defaults when the saved rules leave them out.',
  tag,
  auth: { roles: ['admin', 'approver'] },
  responses: {
    200: { description: 'The rules, in evaluation order; ETag carries the version', schema: ApprovalRules },
    ...pick(401, 403),
  },
});

export const putApprovalRules = defineOperation({
  operationId: 'putApprovalRules',
  method: 'PUT',
  path: '/v1/approval-rules',
  summary: 'Replace the approval rules (If-Match required; `"0"` while the defaults are in force)',
  description:
    'Rules are evaluated in order and the first whose conditions all hold decides. The last rule must have no conditions, so every order gets a decision. No rule auto-approves past the customer’s credit limit: such an order gets `overCreditLimit` instead (default: auto-reject).',
  tag,
  auth: { roles: ['admin'] },
  body: RuleSet,
  requiresIfMatch: true,
  responses: {
    200: { description: 'The saved rules; ETag carries the new version', schema: ApprovalRules },
    ...pick(400, 401, 403, 412, 413, 415, 428),
    422: invalidRules,
  },
});

export const simulateApprovalRules = defineOperation({
  operationId: 'simulateApprovalRules',
  method: 'POST',
  path: '/v1/approval-rules/simulate',
  summary: 'Show which recent decisions candidate rules would change',
  description:
    'Re-decides the most recent decided orders with the candidate rules, on the facts stored with each decision. Nothing is saved.',
  tag,
  auth: { roles: ['admin'] },
  body: SimulationRequest,
  responses: {
    200: { description: 'How many decisions would change, and which', schema: SimulationReport },
    ...pick(400, 401, 403, 413, 415),
    422: invalidRules,
  },
});
