import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { createTestTables } from '../support/database';
import { type InvokeOptions, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * The DynamoDB requests each approval-rules operation makes, counted and checked against the
 * manifest's grants by the twin's local IAM (a request the manifest does not grant fails).
 */
const tables = await createTestTables();
const { handler: get } = await import('../../functions/approvals/get');
const { handler: put } = await import('../../functions/approvals/put');
const { handler: simulate } = await import('../../functions/approvals/simulate-handler');
const { defaultRuleSet } = await import('../../functions/approvals/defaults');

const requests = requestCounter(tables);

/** Invokes as the manifest function of `operationId` and returns the status and the requests it made. */
async function counted(operationId: string, handler: HttpLambda, options: InvokeOptions) {
  const { response, byCommand } = await requests.run(operationId, () => invoke(handler, options));
  return { status: response.status, byCommand };
}

describe('approval rules: DynamoDB requests per operation, within the manifest grants', () => {
  afterAll(() => tables.drop());
  const admin = principal(uniqueTenant());
  const GET = { routeKey: 'GET /v1/approval-rules', principal: admin };
  const PUT = (version: string, body: unknown = defaultRuleSet()) => ({
    routeKey: 'PUT /v1/approval-rules',
    headers: { 'if-match': `"${version}"` },
    body,
    principal: admin,
  });

  it('getApprovalRules: one GetItem, saved or not', async () => {
    assert.deepEqual(await counted('getApprovalRules', get, GET), {
      status: 200,
      byCommand: { GetItemCommand: 1 },
    });
  });

  it('putApprovalRules: the rules before (for the audit), then one write; a stale version stops at the read', async () => {
    // The defaults saved as they are change nothing in force: no audit record, one PutItem.
    assert.deepEqual(await counted('putApprovalRules', put, PUT('0')), {
      status: 200,
      byCommand: { GetItemCommand: 1, PutItemCommand: 1 },
    });
    const changed = { ...defaultRuleSet(), creditOverrideRoles: ['admin', 'finance'] };
    assert.deepEqual(await counted('putApprovalRules', put, PUT('1', changed)), {
      status: 200,
      byCommand: { GetItemCommand: 1, TransactWriteItemsCommand: 1 },
    });
    assert.deepEqual(await counted('putApprovalRules', put, PUT('0')), {
      status: 412,
      byCommand: { GetItemCommand: 1 },
    });
    const unusable = { rules: defaultRuleSet().rules.slice(0, 1) };
    assert.deepEqual(await counted('putApprovalRules', put, PUT('2', unusable)), {
      status: 422,
      byCommand: {},
    });
    assert.deepEqual(await counted('getApprovalRules', get, GET), {
      status: 200,
      byCommand: { GetItemCommand: 1 },
    });
  });

  it('simulateApprovalRules: one Query; none when the candidate is refused', async () => {
    const body = defaultRuleSet();
    assert.deepEqual(
      await counted('simulateApprovalRules', simulate, {
        routeKey: 'POST /v1/approval-rules/simulate',
        body,
        principal: admin,
      }),
      { status: 200, byCommand: { QueryCommand: 1 } },
    );
    assert.deepEqual(
      await counted('simulateApprovalRules', simulate, {
        routeKey: 'POST /v1/approval-rules/simulate',
        body: { rules: body.rules.slice(1, 2) },
        principal: admin,
      }),
      { status: 422, byCommand: {} },
    );
  });
});
