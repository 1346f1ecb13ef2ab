import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

const tables = await createTestTables();
const { level, openBalanceOf, parkTask, recordWorkflow, requireApproval, setUpTenant, submitOrder } =
  await import('../support/orders');
const { getOrderRecord } = await import('../../functions/orders/store');
const { handler: approve } = await import('../../functions/orders/approve');
const { handler: reject } = await import('../../functions/orders/reject');
const { handler: inbox } = await import('../../functions/orders/approvals');
const { handler: timeline } = await import('../../functions/orders/timeline');
const { handler: cancel } = await import('../../functions/orders/cancel');

const port = recordWorkflow();

const decide = (
  handler: typeof approve,
  verb: 'approve' | 'reject',
  who: Principal,
  orderId: string,
  body = {},
) =>
  invoke(handler, {
    routeKey: `POST /v1/orders/{orderId}/${verb}`,
    pathParameters: { orderId },
    body,
    principal: who,
  });
const approveAs = (who: Principal, orderId: string, comment?: string) =>
  decide(approve, 'approve', who, orderId, comment ? { comment } : {});
const rejectAs = (who: Principal, orderId: string, comment: string) =>
  decide(reject, 'reject', who, orderId, { comment });

const eventsOf = async (who: Principal, orderId: string) =>
  (
    await invoke(timeline, {
      routeKey: 'GET /v1/orders/{orderId}/timeline',
      pathParameters: { orderId },
      query: { limit: '100' },
      principal: who,
    })
  ).body.items as {
    type: string;
    status: string;
    actor: { id: string };
    details?: Record<string, unknown>;
  }[];

afterAll(() => tables.drop());

describe('approving and rejecting orders', () => {
  it('keeps separation of duties: not the creator, not two levels, only the level’s role (403 with the reason)', async () => {
    const t = await setUpTenant();
    const creator = principal(t.tenantId, ['sales', 'approver'], 'sales-approver');
    const order = await submitOrder(t, undefined, creator);
    await requireApproval(t, order.id, [level('approver'), level('approver')]);
    const alice = principal(t.tenantId, ['approver'], 'alice');
    const bob = principal(t.tenantId, ['approver'], 'bob');

    const own = await approveAs(creator, order.id);
    assert.equal(own.status, 403);
    assert.match(own.body.detail, /You created this order/);

    const fritz = { ...principal(t.tenantId, ['fulfilment'], 'fritz'), partnerId: 'in-house' };
    const wrongRole = await approveAs(fritz, order.id);
    assert.equal(wrongRole.status, 403);
    assert.match(wrongRole.body.detail, /waits on the role 'approver'/);

    const first = await approveAs(alice, order.id, 'fine by me');
    assert.equal(first.status, 200);
    assert.equal(first.body.status, 'PENDING_APPROVAL');
    assert.deepEqual(
      first.body.approval.levels.map((l: Record<string, unknown>) => [l.level, l.status, l.decidedBy]),
      [
        [1, 'approved', 'alice'],
        [2, 'pending', undefined],
      ],
    );

    const twice = await approveAs(alice, order.id);
    assert.equal(twice.status, 403);
    assert.match(twice.body.detail, /already decided level 1/);

    const second = await approveAs(bob, order.id);
    assert.equal(second.status, 200);
    assert.equal(second.body.status, 'APPROVED');
  });

  it('refuses a level named for someone else, unless an admin decides it', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver', { approverUserId: 'carol' })]);
    const other = await approveAs(principal(t.tenantId, ['approver'], 'dave'), order.id);
    assert.equal(other.status, 403);
    assert.match(other.body.detail, /named approver/);
    const admin = await approveAs(principal(t.tenantId, ['admin'], 'root'), order.id);
    assert.equal(admin.status, 200);
  });

  it('answers 409 when no approval waits', async () => {
    const t = await setUpTenant();
    const submitted = await submitOrder(t);
    const res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), submitted.id);
    assert.equal(res.status, 409);
    assert.equal(res.body.type, 'urn:orderly:problem:order-state-conflict');
    assert.equal(res.body.status, 409);
    assert.equal(res.body.orderStatus, 'SUBMITTED');
    const rejected = await rejectAs(principal(t.tenantId, ['approver'], 'alice'), submitted.id, 'no');
    assert.equal(rejected.status, 409);
  });

  it('lets exactly one of two approvers racing on one level decide it', async () => {
    const t = await setUpTenant();
    for (let round = 0; round < 5; round++) {
      const order = await submitOrder(t);
      await requireApproval(t, order.id, [level('approver')]);
      const token = await parkTask(t, order.id, 'approval');
      const results = await Promise.all([
        approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id),
        approveAs(principal(t.tenantId, ['approver'], 'bob'), order.id),
      ]);
      assert.deepEqual(
        results.map((r) => r.status).sort(),
        [200, 409],
        JSON.stringify(results.map((r) => r.body)),
      );
      const loser = results.find((r) => r.status === 409);
      assert.match(loser?.body.detail, /already decided|no approval is waiting/);
      const granted = (await eventsOf(t.sales, order.id)).filter((e) => e.type === 'APPROVAL_GRANTED');
      assert.equal(granted.length, 1);
      assert.equal(port.successes.filter((s) => s.taskToken === token).length, 1);
    }
    // Only the winners' totals count: 5 orders of 2 × 25.00.
    assert.equal(await openBalanceOf(t), 5 * 5000);
  });

  it('moves the next level into the inbox and resumes the workflow to wait for it', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver'), level('admin', { slaSeconds: 7200 })]);
    const token = await parkTask(t, order.id, 'approval');

    const res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id, 'looks right');
    assert.equal(res.status, 200);
    const record = await getOrderRecord(t.tenantId, order.id);
    assert.equal(record.task, undefined);
    const stored = record as unknown as Record<string, string>;
    assert.match(stored.inboxPk as string, /#APPROVALS#admin$/);
    assert.equal(stored.inboxSk, `${record.approval?.levels[1]?.requestedAt}#${order.id}`);

    const answer = port.successes.find((s) => s.taskToken === token);
    assert.equal(answer?.output.next, 'await-approval');
    assert.equal(answer?.output.orderId, order.id);
    assert.ok(Math.abs((answer?.output.slaRemainingSeconds ?? 0) - 7200) <= 2);
    assert.deepEqual((await eventsOf(t.sales, order.id)).at(-1), {
      seq: record.version,
      type: 'APPROVAL_GRANTED',
      status: 'PENDING_APPROVAL',
      at: record.updatedAt,
      actor: { type: 'user', id: 'alice' },
      details: { level: 1, role: 'approver', comment: 'looks right' },
    });
  });

  it('approves with the last level: APPROVED, the open balance raised by the total, one event, workflow to reserve', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t, [{ sku: 'WIDGET', quantity: 3 }]);
    await requireApproval(t, order.id, [level('approver')]);
    const token = await parkTask(t, order.id, 'approval');
    assert.equal(await openBalanceOf(t), 0);

    const res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'APPROVED');
    assert.equal(res.headers.etag, `"${res.body.version}"`);
    assert.equal(await openBalanceOf(t), 7500);
    const record = await getOrderRecord(t.tenantId, order.id);
    const stored = record as unknown as Record<string, unknown>;
    assert.equal(stored.inboxPk, undefined);
    assert.equal(record.task, undefined);
    const events = await eventsOf(t.sales, order.id);
    assert.deepEqual(
      events.map((e) => [e.type, e.status]),
      [
        ['ORDER_SUBMITTED', 'SUBMITTED'],
        ['APPROVAL_REQUIRED', 'PENDING_APPROVAL'],
        ['APPROVAL_GRANTED', 'APPROVED'],
      ],
    );
    assert.deepEqual(port.successes.find((s) => s.taskToken === token)?.output, {
      tenantId: t.tenantId,
      orderId: order.id,
      next: 'reserve',
    });
  });

  it('records a decision made before the workflow parked its token, and answers no token', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver')]);
    const answered = port.successes.length + port.failures.length;
    const res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'APPROVED');
    assert.equal(port.successes.length + port.failures.length, answered);
  });

  it('answers success when the token is no longer valid after the decision committed', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver')]);
    const token = await parkTask(t, order.id, 'approval');
    port.invalid.add(token);
    const res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id);
    assert.equal(res.status, 200);
    assert.equal((await getOrderRecord(t.tenantId, order.id)).status, 'APPROVED');
  });

  it('rejects: REJECTED with who, when, why and which level; the workflow fails with ApprovalRejected', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver'), level('approver')]);
    const token = await parkTask(t, order.id, 'approval');
    const alice = principal(t.tenantId, ['approver'], 'alice');

    const noReason = await decide(reject, 'reject', alice, order.id, {});
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.errors[0].field, 'body.comment');

    const res = await rejectAs(alice, order.id, 'price too low');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'REJECTED');
    assert.deepEqual(
      { ...res.body.rejection, at: undefined },
      { by: 'alice', comment: 'price too low', level: 1, at: undefined },
    );
    assert.equal(res.body.approval.levels[0].status, 'rejected');
    assert.equal(res.body.approval.levels[1].status, 'waiting');
    assert.deepEqual(
      port.failures.find((f) => f.taskToken === token),
      {
        taskToken: token,
        error: 'ApprovalRejected',
        // A code: the approver's comment stays on the order, out of the execution history.
        cause: '{"code":"order-rejected"}',
      },
    );
    const record = await getOrderRecord(t.tenantId, order.id);
    assert.equal(record.task, undefined);
    assert.equal((record as unknown as Record<string, unknown>).inboxPk, undefined);
    assert.deepEqual((await eventsOf(t.sales, order.id)).at(-1)?.type, 'APPROVAL_REJECTED');
    assert.equal(await openBalanceOf(t), 0);

    const again = await approveAs(principal(t.tenantId, ['approver'], 'bob'), order.id);
    assert.equal(again.status, 409);

    // Nor can a rejected order be cancelled: the answer says what it already is.
    const cancelled = await invoke(cancel, {
      routeKey: 'POST /v1/orders/{orderId}/cancel',
      pathParameters: { orderId: order.id },
      body: { reason: 'too late' },
      principal: t.sales,
    });
    assert.equal(cancelled.status, 409);
    assert.equal(cancelled.body.detail, 'The order is already REJECTED.');
    assert.equal(cancelled.body.orderStatus, 'REJECTED');
    assert.equal((await getOrderRecord(t.tenantId, order.id)).cancelRequest, undefined);
  });
});

describe('approving within the customer’s credit limit', () => {
  const EUR = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
  /** 60 × 25.00 = 1,500.00, one approver level. */
  const pendingOrder = async (t: Awaited<ReturnType<typeof setUpTenant>>) => {
    const order = await submitOrder(t, [{ sku: 'WIDGET', quantity: 60 }]);
    await requireApproval(t, order.id, [level('approver')]);
    return order.id;
  };
  const approveWith = (who: Principal, orderId: string, body: Record<string, unknown>) =>
    decide(approve, 'approve', who, orderId, body);

  it('two 1,500.00 orders on a 2,000.00 limit: the second is 409 until an admin overrides, and the override is kept', async () => {
    const t = await setUpTenant({ creditLimit: EUR(200_000) });
    const first = await pendingOrder(t);
    const second = await pendingOrder(t);
    const alice = principal(t.tenantId, ['approver'], 'alice');
    const root = principal(t.tenantId, ['admin'], 'root');

    assert.equal((await approveAs(alice, first)).status, 200);
    assert.equal(await openBalanceOf(t), 150_000);

    const refused = await approveAs(alice, second, 'ok');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.headers['content-type'], 'application/problem+json');
    assert.equal(refused.body.type, 'urn:orderly:problem:credit-limit-exceeded');
    assert.deepEqual(
      [refused.body.creditLimit, refused.body.openBalance, refused.body.orderTotal],
      [EUR(200_000), EUR(150_000), EUR(150_000)],
    );
    assert.match(refused.body.detail, /€1,500\.00 to €3,000\.00, past their credit limit of €2,000\.00/);
    const stillPending = await getOrderRecord(t.tenantId, second);
    assert.equal(stillPending.status, 'PENDING_APPROVAL');
    assert.equal(stillPending.approval?.levels[0]?.status, 'pending');
    assert.equal(stillPending.approval?.levels[0]?.decidedBy, undefined);
    assert.equal((await eventsOf(t.sales, second)).at(-1)?.type, 'APPROVAL_REQUIRED', 'nothing recorded');
    assert.equal(await openBalanceOf(t), 150_000);

    const notAllowed = await approveWith(alice, second, { creditOverride: { reason: 'good payer' } });
    assert.equal(notAllowed.status, 403);
    assert.equal(notAllowed.body.type, 'urn:orderly:problem:forbidden');
    assert.match(notAllowed.body.detail, /Only 'admin' may approve past a credit limit/);
    const noReason = await approveWith(root, second, { creditOverride: { reason: ' ' } });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.errors[0].field, 'body.creditOverride.reason');

    const overridden = await approveWith(root, second, {
      comment: 'known customer',
      creditOverride: { reason: 'Paid 2,000.00 this morning; the payment is not booked yet' },
    });
    assert.equal(overridden.status, 200, JSON.stringify(overridden.body));
    assert.equal(overridden.body.status, 'APPROVED');
    const kept = overridden.body.approval.levels[0];
    assert.deepEqual(
      { ...kept.creditOverride, at: undefined },
      {
        reason: 'Paid 2,000.00 this morning; the payment is not booked yet',
        by: 'root',
        at: undefined,
        needed: true,
        creditLimit: EUR(200_000),
        openBalance: EUR(150_000),
        orderTotal: EUR(150_000),
      },
    );
    assert.equal(kept.creditOverride.at, kept.decidedAt);
    assert.equal(kept.decidedBy, 'root');
    const granted = (await eventsOf(t.sales, second)).at(-1);
    assert.equal(granted?.type, 'APPROVAL_GRANTED');
    assert.deepEqual(granted?.details, {
      level: 1,
      role: 'approver',
      comment: 'known customer',
      creditOverride: kept.creditOverride,
    });
    assert.equal(await openBalanceOf(t), 300_000);
  });

  it('keeps an override on an order that fits, or on a level before the last, as not needed', async () => {
    const t = await setUpTenant({ creditLimit: EUR(200_000) });
    const root = principal(t.tenantId, ['admin'], 'root');
    const fits = await pendingOrder(t);
    const res = await approveWith(root, fits, { creditOverride: { reason: 'just in case' } });
    assert.equal(res.status, 200);
    assert.deepEqual(
      { ...res.body.approval.levels[0].creditOverride, at: undefined },
      {
        reason: 'just in case',
        by: 'root',
        at: undefined,
        needed: false,
        creditLimit: EUR(200_000),
        openBalance: EUR(0),
        orderTotal: EUR(150_000),
      },
    );
    assert.equal(await openBalanceOf(t), 150_000);

    const twoLevels = await submitOrder(t, [{ sku: 'WIDGET', quantity: 60 }]);
    await requireApproval(t, twoLevels.id, [level('approver'), level('approver')]);
    const early = await approveWith(root, twoLevels.id, { creditOverride: { reason: 'ahead of time' } });
    assert.equal(early.status, 200);
    assert.equal(early.body.status, 'PENDING_APPROVAL');
    assert.deepEqual(
      { ...early.body.approval.levels[0].creditOverride, at: undefined },
      { reason: 'ahead of time', by: 'root', at: undefined, needed: false },
    );
    // The last level adds the order, and it no longer fits: that approval needs its own override.
    const last = await approveAs(principal(t.tenantId, ['approver'], 'alice'), twoLevels.id);
    assert.equal(last.status, 409);
    assert.equal(last.body.type, 'urn:orderly:problem:credit-limit-exceeded');
  });

  it('lets the rules name who may override: another role, or nobody', async () => {
    const { getRuleSet, putRuleSet } = await import('../../functions/approvals/store');
    const { defaultRuleSet } = await import('../../functions/approvals/defaults');
    const t = await setUpTenant({ creditLimit: EUR(100_000) });
    const alice = principal(t.tenantId, ['approver'], 'alice');
    const root = principal(t.tenantId, ['admin'], 'root');
    const override = { creditOverride: { reason: 'agreed with finance' } };
    await putRuleSet(
      t.tenantId,
      { ...defaultRuleSet(), creditOverrideRoles: ['approver'] },
      0,
      { tenantId: t.tenantId, actor: 'root', requestId: 'test', operation: 'putApprovalRules' },
      new Date().toISOString(),
    );

    const first = await pendingOrder(t);
    assert.equal((await approveWith(root, first, override)).status, 403, 'admin is no longer named');
    const byApprover = await approveWith(alice, first, override);
    assert.equal(byApprover.status, 200);
    assert.equal(byApprover.body.approval.levels[0].creditOverride.needed, true);

    await putRuleSet(
      t.tenantId,
      { ...defaultRuleSet(), creditOverrideRoles: [] },
      (await getRuleSet(t.tenantId, { consistentRead: true })).version,
      { tenantId: t.tenantId, actor: 'root', requestId: 'test', operation: 'putApprovalRules' },
      new Date().toISOString(),
    );
    const second = await pendingOrder(t);
    const nobody = await approveWith(root, second, override);
    assert.equal(nobody.status, 403);
    assert.match(nobody.body.detail, /Nobody may approve past a credit limit/);
    assert.equal(await openBalanceOf(t), 150_000);
  });

  it('lets only one of two approvals racing for the last room of the limit through', async () => {
    for (let round = 0; round < 3; round++) {
      const t = await setUpTenant({ creditLimit: EUR(200_000) });
      const ids = [await pendingOrder(t), await pendingOrder(t)] as const;
      const results = await Promise.all([
        approveAs(principal(t.tenantId, ['approver'], 'alice'), ids[0]),
        approveAs(principal(t.tenantId, ['approver'], 'bob'), ids[1]),
      ]);
      assert.deepEqual(
        results.map((r) => r.status).sort(),
        [200, 409],
        JSON.stringify(results.map((r) => r.body)),
      );
      const loser = results.findIndex((r) => r.status === 409);
      assert.equal(results[loser]?.body.type, 'urn:orderly:problem:credit-limit-exceeded');
      assert.equal((await getOrderRecord(t.tenantId, ids[loser] as string)).status, 'PENDING_APPROVAL');
      assert.equal(await openBalanceOf(t), 150_000);
    }
  });
});

describe('the approval inbox', () => {
  const hour = 3600_000;
  const t0 = Date.now() - 10 * hour;
  const at = (i: number) => new Date(t0 + i * 60_000);

  it('shows each person the levels they may decide, oldest first, and pages through them', async () => {
    const t = await setUpTenant();
    const approverWhoSells = principal(t.tenantId, ['sales', 'approver'], 'appr-1');
    const o1 = await submitOrder(t);
    await requireApproval(t, o1.id, [level('approver')], at(1));
    const o2 = await submitOrder(t);
    await requireApproval(t, o2.id, [level('approver', { approverUserId: 'appr-2' })], at(2));
    const o3 = await submitOrder(t, undefined, approverWhoSells);
    await requireApproval(t, o3.id, [level('approver')], at(3));
    const o4 = await submitOrder(t);
    await requireApproval(t, o4.id, [level('admin')], at(4));
    const o5 = await submitOrder(t);
    await requireApproval(t, o5.id, [level('approver'), level('approver')], at(5));
    const o6 = await submitOrder(t);
    await requireApproval(t, o6.id, [level('sales')], at(6));
    // appr-1 decides level 1 of o5 now: its level 2 is requested last.
    assert.equal((await approveAs(approverWhoSells, o5.id)).status, 200);

    const inboxOf = async (who: Principal, limit = 25) => {
      const ids: string[] = [];
      const pages: number[] = [];
      let cursor: string | undefined;
      do {
        const res = await invoke(inbox, {
          routeKey: 'GET /v1/approvals',
          query: { status: 'pending', limit: String(limit), ...(cursor ? { cursor } : {}) },
          principal: who,
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        ids.push(...res.body.items.map((i: { orderId: string }) => i.orderId));
        pages.push(res.body.items.length);
        cursor = res.body.nextCursor;
      } while (cursor);
      return { ids, pages };
    };

    // Not o2 (named for appr-2), not o3 (own), not o4 (admin), not o5 (decided its level 1); o6 waits on
    // sales, a role appr-1 has too.
    assert.deepEqual((await inboxOf(approverWhoSells)).ids, [o1.id, o6.id]);
    assert.deepEqual((await inboxOf(principal(t.tenantId, ['approver'], 'appr-2'))).ids, [
      o1.id,
      o2.id,
      o3.id,
      o5.id,
    ]);
    assert.deepEqual((await inboxOf(principal(t.tenantId, ['admin'], 'root'))).ids, [o4.id]);
    // An admin who also approves sees levels named for others too.
    assert.deepEqual((await inboxOf(principal(t.tenantId, ['admin', 'approver'], 'boss'))).ids, [
      o1.id,
      o2.id,
      o3.id,
      o4.id,
      o5.id,
    ]);
    // sales-1 created o6, the only level waiting on sales.
    assert.deepEqual((await inboxOf(t.sales)).ids, []);

    const paged = await inboxOf(principal(t.tenantId, ['admin', 'approver'], 'boss'), 2);
    assert.deepEqual(paged.ids, [o1.id, o2.id, o3.id, o4.id, o5.id]);
    assert.deepEqual(paged.pages, [2, 2, 1]);

    const page = await invoke(inbox, {
      routeKey: 'GET /v1/approvals',
      principal: principal(t.tenantId, ['approver'], 'appr-2'),
    });
    assert.deepEqual(page.body.items[1], {
      orderId: o2.id,
      orderNumber: o2.number,
      customerId: t.customerId,
      total: { amountMinor: 5000, currency: 'EUR' },
      level: 1,
      role: 'approver',
      approverUserId: 'appr-2',
      requestedAt: at(2).toISOString(),
      dueAt: new Date(at(2).getTime() + hour).toISOString(),
      ruleId: 'test-levels',
    });
    assert.equal(page.body.nextCursor, undefined);
  });

  it('pages correctly when many entries in a row are left out', async () => {
    const t = await setUpTenant();
    const busy = principal(t.tenantId, ['sales', 'approver'], 'busy');
    const others: string[] = [];
    for (let i = 0; i < 12; i++) {
      const mine = i % 4 !== 0;
      const order = await submitOrder(t, undefined, mine ? busy : t.sales);
      await requireApproval(t, order.id, [level('approver')], at(i));
      if (!mine) others.push(order.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const res = await invoke(inbox, {
        routeKey: 'GET /v1/approvals',
        query: { limit: '1', ...(cursor ? { cursor } : {}) },
        principal: busy,
      });
      assert.equal(res.status, 200);
      seen.push(...res.body.items.map((i: { orderId: string }) => i.orderId));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    assert.deepEqual(seen, others);
  });

  it('is refused to roles that never approve, and refuses a cursor that is not its own', async () => {
    const t = await setUpTenant();
    const analyst = await invoke(inbox, {
      routeKey: 'GET /v1/approvals',
      principal: principal(t.tenantId, ['analyst']),
    });
    assert.equal(analyst.status, 403);
    const bad = await invoke(inbox, {
      routeKey: 'GET /v1/approvals',
      query: { cursor: 'bm90LWEtY3Vyc29y' },
      principal: principal(t.tenantId, ['approver']),
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'query.cursor');
  });
});
