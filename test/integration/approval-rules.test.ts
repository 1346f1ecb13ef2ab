import assert from 'node:assert/strict';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { defineRule } from '../../functions/approvals/rules';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: get } = await import('../../functions/approvals/get');
const { handler: put } = await import('../../functions/approvals/put');
const { defaultRuleSet } = await import('../../functions/approvals/defaults');
const { approvalRulesKey, getRuleSet } = await import('../../functions/approvals/store');
const { documentClient } = await import('../../functions/shared/db/client');

const GET = 'GET /v1/approval-rules';
const PUT = 'PUT /v1/approval-rules';

/** A rule set unlike the defaults: two rules. */
const custom = {
  rules: [
    defineRule(
      'new-customer',
      'New customers',
      { newCustomer: true },
      { type: 'require-approval', levels: [{ role: 'approver', slaSeconds: 3600 }] },
    ),
    defineRule('rest', 'Everything else', {}, { type: 'auto-approve' }),
  ],
};

describe('approval rules against DynamoDB Local', () => {
  afterAll(() => tables.drop());

  it('gives a tenant that never saved rules the defaults, version 0, to admins and approvers', async () => {
    const tenant = uniqueTenant();
    for (const roles of [['admin'], ['approver']] as const) {
      const res = await invoke(get, { routeKey: GET, principal: principal(tenant, [...roles]) });
      assert.equal(res.status, 200);
      assert.equal(res.headers.etag, '"0"');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.deepEqual(res.body, { ...defaultRuleSet(), version: 0 });
    }
  });

  it('saves with If-Match "0", then only with the current version; a stale write is 412', async () => {
    const tenant = uniqueTenant();
    const admin = principal(tenant, ['admin'], 'admin-7');

    const first = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: custom,
      principal: admin,
    });
    assert.equal(first.status, 200);
    assert.equal(first.headers.etag, '"1"');
    assert.deepEqual(first.body.rules, custom.rules);
    assert.equal(first.body.version, 1);
    assert.equal(first.body.updatedBy, 'admin-7');
    assert.ok(first.body.updatedAt);

    const read = await invoke(get, { routeKey: GET, principal: admin });
    assert.equal(read.headers.etag, '"1"');
    assert.deepEqual(read.body, first.body);

    const again = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: custom,
      principal: admin,
    });
    assert.equal(again.status, 412, 'If-Match "0" once rules exist');
    assert.equal(again.body.currentVersion, 1);

    const second = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"1"' },
      body: defaultRuleSet(),
      principal: admin,
    });
    assert.equal(second.status, 200);
    assert.equal(second.headers.etag, '"2"');

    const stale = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"1"' },
      body: custom,
      principal: admin,
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.type, 'urn:orderly:problem:precondition-failed');
    assert.equal(stale.body.currentVersion, 2);

    const ahead = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"9"' },
      body: custom,
      principal: principal(uniqueTenant()),
    });
    assert.equal(ahead.status, 412, 'a version that was never saved');
    assert.equal(ahead.body.currentVersion, 0);

    const stored = await getRuleSet(tenant);
    assert.equal(stored.version, 2);
    assert.deepEqual(stored.ruleSet, defaultRuleSet());
  });

  it('carries the credit guard: saved and read back as sent, the defaults shown when left out', async () => {
    const tenant = uniqueTenant();
    const admin = principal(tenant, ['admin'], 'admin-7');
    const guard = {
      overCreditLimit: {
        type: 'require-approval' as const,
        levels: [{ role: 'admin' as const, slaSeconds: 3600 }],
      },
      creditOverrideRoles: ['admin' as const, 'approver' as const],
    };
    const saved = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: { ...custom, ...guard },
      principal: admin,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(saved.body.overCreditLimit, guard.overCreditLimit);
    assert.deepEqual(saved.body.creditOverrideRoles, guard.creditOverrideRoles);
    const read = await invoke(get, { routeKey: GET, principal: admin });
    assert.deepEqual(read.body, saved.body);
    assert.deepEqual((await getRuleSet(tenant)).ruleSet, { ...custom, ...guard });

    const without = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"1"' },
      body: custom,
      principal: admin,
    });
    assert.equal(without.status, 200);
    const defaults = defaultRuleSet();
    assert.deepEqual(
      [without.body.overCreditLimit, without.body.creditOverrideRoles],
      [defaults.overCreditLimit, ['admin']],
    );
    assert.equal(defaults.overCreditLimit?.type, 'auto-reject');
    assert.deepEqual((await getRuleSet(tenant)).ruleSet, custom, 'left out, so later defaults apply');

    const unusable = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"2"' },
      body: { ...custom, creditOverrideRoles: ['analyst'] },
      principal: admin,
    });
    assert.equal(unusable.status, 422);
    assert.deepEqual(unusable.body.errors[0], {
      field: 'body.creditOverrideRoles.0',
      message: "'analyst' never approves orders, so it cannot approve past a limit",
      rule: 'credit-guard',
    });
    const approving = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"2"' },
      body: { ...custom, overCreditLimit: { type: 'auto-approve' } },
      principal: admin,
    });
    assert.equal(approving.status, 400, 'the guard never auto-approves');
    assert.equal(approving.body.errors[0].field.startsWith('body.overCreditLimit'), true);
  });

  it('needs If-Match (428)', async () => {
    const res = await invoke(put, { routeKey: PUT, body: custom, principal: principal(uniqueTenant()) });
    assert.equal(res.status, 428);
    assert.equal(res.body.type, 'urn:orderly:problem:precondition-required');
  });

  it('refuses unusable rules with 422 naming the rule, and saves nothing', async () => {
    const tenant = uniqueTenant();
    const admin = principal(tenant);
    const rules = [
      ...custom.rules.slice(0, 1),
      defineRule(
        'band',
        'Empty band',
        { orderTotalAtLeast: '500.00', orderTotalBelow: '500' },
        { type: 'auto-approve' },
      ),
      custom.rules[1],
    ];
    const res = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: { rules },
      principal: admin,
    });
    assert.equal(res.status, 422);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.equal(res.body.type, 'urn:orderly:problem:invalid-approval-rules');
    assert.deepEqual(
      res.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['body.rules.1.when.orderTotalBelow', 'band']],
    );
    assert.match(res.body.detail, /Rule 'band'/);

    const noCatchAll = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: { rules: custom.rules.slice(0, 1) },
      principal: admin,
    });
    assert.equal(noCatchAll.status, 422);
    assert.deepEqual(noCatchAll.body.errors[0].rule, 'new-customer');

    const item = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: approvalRulesKey(tenant), ConsistentRead: true }),
    );
    assert.equal(item.Item, undefined, 'nothing saved');
    const read = await invoke(get, { routeKey: GET, principal: admin });
    assert.equal(read.headers.etag, '"0"');
  });

  it('refuses malformed rules with 400 naming the field', async () => {
    const res = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: { rules: [{ ...custom.rules[1], when: { orderTotalAtLeast: 1000 } }] },
      principal: principal(uniqueTenant()),
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.type, 'urn:orderly:problem:validation-error');
    assert.equal(res.body.errors[0].field, 'body.rules.0.when.orderTotalAtLeast');
  });

  it('lets only admins change the rules, and admins and approvers read them', async () => {
    const tenant = uniqueTenant();
    for (const role of ['sales', 'approver', 'analyst', 'integration', 'fulfilment'] as const) {
      const res = await invoke(put, {
        routeKey: PUT,
        headers: { 'if-match': '"0"' },
        body: custom,
        principal: principal(tenant, [role]),
      });
      assert.equal(res.status, 403, role);
      assert.equal(res.body.type, 'urn:orderly:problem:forbidden');
    }
    for (const role of ['sales', 'analyst', 'integration', 'fulfilment'] as const) {
      const res = await invoke(get, { routeKey: GET, principal: principal(tenant, [role]) });
      assert.equal(res.status, 403, role);
    }
    assert.equal((await getRuleSet(tenant)).version, 0, 'nothing saved');
  });

  it('keeps tenants apart: B still has the defaults after A saves', async () => {
    const a = principal(uniqueTenant('a'));
    const b = principal(uniqueTenant('b'));
    const saved = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: custom,
      principal: a,
    });
    assert.equal(saved.status, 200);

    const ofB = await invoke(get, { routeKey: GET, principal: b });
    assert.equal(ofB.headers.etag, '"0"');
    assert.deepEqual(ofB.body.rules, defaultRuleSet().rules);

    // B's first save is B's version 1, not a conflict with A's.
    const bSaves = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: defaultRuleSet(),
      principal: b,
    });
    assert.equal(bSaves.status, 200);
    assert.equal(bSaves.headers.etag, '"1"');
    const ofA = await invoke(get, { routeKey: GET, principal: a });
    assert.deepEqual(ofA.body.rules, custom.rules);
  });

  it('keeps a tenant’s rules in one item at T#<tenant>#APPROVAL_RULES#current, and reads them from there', async () => {
    const tenant = uniqueTenant();
    const KEY = { pk: `T#${tenant}#APPROVAL_RULES#current`, sk: 'APPROVAL_RULES' };
    assert.deepEqual(approvalRulesKey(tenant), KEY);
    const saved = await invoke(put, {
      routeKey: PUT,
      headers: { 'if-match': '"0"' },
      body: custom,
      principal: principal(tenant, ['admin'], 'admin-7'),
    });
    assert.equal(saved.status, 200);
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: KEY, ConsistentRead: true }),
    );
    assert.deepEqual(Item, {
      ...KEY,
      entity: 'APPROVAL_RULES',
      tenantId: tenant,
      rules: custom.rules,
      version: 1,
      updatedAt: saved.body.updatedAt,
      updatedBy: 'admin-7',
    });

    // An item already stored there (saved by an earlier release) is the rule set in force.
    const other = uniqueTenant();
    const stored = {
      pk: `T#${other}#APPROVAL_RULES#current`,
      sk: 'APPROVAL_RULES',
      entity: 'APPROVAL_RULES',
      tenantId: other,
      rules: custom.rules,
      version: 4,
      updatedAt: '2026-03-01T10:00:00.000Z',
      updatedBy: 'admin-1',
    };
    await documentClient.send(new PutCommand({ TableName: tables.domain, Item: stored }));
    const read = await invoke(get, { routeKey: GET, principal: principal(other, ['admin']) });
    assert.equal(read.status, 200);
    assert.equal(read.headers.etag, '"4"');
    assert.deepEqual(read.body, {
      ...defaultRuleSet(),
      rules: custom.rules,
      version: 4,
      updatedAt: '2026-03-01T10:00:00.000Z',
      updatedBy: 'admin-1',
    });
  });

  it('lets exactly one of two concurrent saves of one version win', async () => {
    const admin = principal(uniqueTenant());
    const results = await Promise.all(
      [custom, defaultRuleSet()].map((body) =>
        invoke(put, { routeKey: PUT, headers: { 'if-match': '"0"' }, body, principal: admin }),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 412]);
    const winner = results.find((r) => r.status === 200);
    const read = await invoke(get, { routeKey: GET, principal: admin });
    assert.deepEqual(read.body.rules, winner?.body.rules);
  });
});
