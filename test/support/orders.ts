/**
 * Order fixtures for integration tests, reached through the real code and nothing else: orders are
 * created by `createOrder`, approval levels come from an approval rule set saved through the real
 * PUT /v1/approval-rules handler (as an admin would) and decided by the real Advance task, stock is
 * reserved by the real Advance/ReserveStock tasks, tokens are kept by the real AwaitApproval,
 * RequestFulfilment and AwaitDelivery tasks, and shipments/deliveries are the partner's reports.
 * Why: a fixture that re-implements a transition drifts from the handler it copies (it did: an
 * undeclared `AUTO_APPROVED` event, tokens parked without the reconciler's schedule), and then the
 * tests prove things about states production never produces. Each helper checks that the real
 * handler reached the state it promises and throws a fixture error when it did not.
 * The only stand-in is `RecordingWorkflowPort`, for Step Functions' endpoint, which cannot run here.
 * Side effect to know: `requireApproval`, `approve` and `autoApprove` replace the tenant's approval
 * rules with a one-rule set (`test-levels` or `test-auto`) when it is not already in force.
 */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { handler as putApprovalRules } from '../../functions/approvals/put';
import { defineRule, type Outcome, type RuleSet } from '../../functions/approvals/rules';
import { getRuleSet } from '../../functions/approvals/store';
import { createCustomer, customerKey } from '../../functions/customers/store';
import type { RequiredLevel } from '../../functions/orders/approval-levels';
import { approveOrder } from '../../functions/orders/approve-order';
import { createOrder } from '../../functions/orders/create-order';
import { reportDelivery, reportShipment } from '../../functions/orders/fulfilment-reports';
import { TENANT_WIDE } from '../../functions/orders/partner-scope';
import type { Order, OrderCreate } from '../../functions/orders/schemas';
import type { OrderStatus } from '../../functions/orders/status';
import { getOrderRecord, type OrderRecord, type PendingTask } from '../../functions/orders/store';
import { getProduct, createProduct as putProduct } from '../../functions/products/store';
import type { Principal } from '../../functions/shared/auth/principal';
import { documentClient, domainTableName } from '../../functions/shared/db/client';
import type { Money } from '../../functions/shared/money';
import {
  type ExecutionStatus,
  type StartExecutionResult,
  type StateMachineId,
  TaskTokenInvalidError,
  useWorkflowPort,
  type WorkflowPort,
} from '../../functions/shared/workflow/port';
import { type TaskFailureCode, taskFailure } from '../../functions/shared/workflow/task-failures';
import { handler as advanceTask } from '../../functions/workflow/advance-order';
import { handler as awaitApprovalTask } from '../../functions/workflow/await-approval';
import { handler as awaitDeliveryTask } from '../../functions/workflow/await-delivery';
import { handler as requestFulfilmentTask } from '../../functions/workflow/request-fulfilment';
import { handler as reserveStockTask } from '../../functions/workflow/reserve-stock';
import type { WorkflowStep } from '../../functions/workflow/steps';
import { fakeContext, invoke, principal, uniqueTenant } from './invoke';
/**
 * Stands in for Step Functions' endpoint, which cannot run in these tests: it records what the
 * handlers ask of the workflow (start an execution, answer a task token) so tests can assert it.
 * Tokens behave as in Step Functions: one answer each, a second is TaskTokenInvalidError. The
 * real local runner, with the state machine, is tested elsewhere.
 */
export class RecordingWorkflowPort implements WorkflowPort {
  readonly starts: { stateMachine: StateMachineId; name: string; input: unknown }[] = [];
  readonly successes: { taskToken: string; output: WorkflowStep }[] = [];
  /** Error and cause as Step Functions receives them from the AWS adapter. */
  readonly failures: { taskToken: string; error: string; cause: string }[] = [];
  /** Tokens Step Functions no longer accepts (answered, timed out, execution ended). */
  readonly invalid = new Set<string>();

  /** Executions started here are running (the recording port runs none of them). */
  async describeExecution(args: {
    stateMachine: StateMachineId;
    name: string;
  }): Promise<ExecutionStatus | undefined> {
    return this.starts.some((s) => s.name === args.name && s.stateMachine === args.stateMachine)
      ? ('RUNNING' as const)
      : undefined;
  }

  async startExecution(args: {
    stateMachine: StateMachineId;
    name: string;
    input: unknown;
  }): Promise<StartExecutionResult> {
    const alreadyStarted = this.starts.some((s) => s.name === args.name);
    this.starts.push(args);
    return { executionArn: `arn:aws:states:local:000000000000:execution:${args.name}`, alreadyStarted };
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    this.answer(taskToken);
    this.successes.push({ taskToken, output: output as WorkflowStep });
  }

  async sendTaskFailure(taskToken: string, code: TaskFailureCode): Promise<void> {
    const { error, cause } = taskFailure(code);
    this.answer(taskToken);
    this.failures.push({ taskToken, error, cause });
  }

  startsOf(orderId: string) {
    return this.starts.filter((s) => s.name === orderId);
  }

  private answer(taskToken: string) {
    if (this.invalid.has(taskToken)) throw new TaskTokenInvalidError();
    this.invalid.add(taskToken);
  }
}

/** Installs a fresh recording port for this test file (each file runs in its own process). */
export function recordWorkflow(): RecordingWorkflowPort {
  const port = new RecordingWorkflowPort();
  useWorkflowPort(port);
  return port;
}

export interface ProductSpec {
  sku: string;
  priceMinor: number;
  currency?: string;
  onHand?: number;
  active?: boolean;
  category?: string;
}

export interface TenantFixture {
  tenantId: string;
  /** Creates the orders; so may not approve them. */
  sales: Principal;
  customerId: string;
  currency: string;
  products: Record<string, string>;
}

export const DEFAULT_PRODUCTS: ProductSpec[] = [
  { sku: 'WIDGET', priceMinor: 2500, onHand: 100 },
  { sku: 'GADGET', priceMinor: 1000, onHand: 50 },
];

/** A tenant with a customer and products, written through their stores. */
export async function setUpTenant(
  options: { tenantId?: string; currency?: string; creditLimit?: Money; products?: ProductSpec[] } = {},
): Promise<TenantFixture> {
  const tenantId = options.tenantId ?? uniqueTenant('o');
  const currency = options.currency ?? 'EUR';
  const now = new Date().toISOString();
  const customer = await createCustomer(
    tenantId,
    { name: 'Ada Ltd', ...(options.creditLimit ? { creditLimit: options.creditLimit } : {}) },
    now,
  );
  const products: Record<string, string> = {};
  for (const spec of options.products ?? DEFAULT_PRODUCTS) {
    const product = await putProduct(
      tenantId,
      {
        sku: spec.sku,
        name: `Product ${spec.sku}`,
        category: spec.category ?? 'parts',
        unitPrice: { amountMinor: spec.priceMinor, currency: spec.currency ?? currency },
        active: spec.active ?? true,
        stock: { onHand: spec.onHand ?? 100 },
      },
      now,
    );
    products[spec.sku] = product.id;
  }
  return {
    tenantId,
    sales: principal(tenantId, ['sales'], 'sales-1'),
    customerId: customer.id,
    currency,
    products,
  };
}

/** Creates an order through the create path (the workflow port records its start). */
export function submitOrder(
  t: TenantFixture,
  lines: OrderCreate['lines'] = [{ sku: 'WIDGET', quantity: 2 }],
  creator: Principal = t.sales,
): Promise<Order> {
  return createOrder(creator, { customerId: t.customerId, currency: t.currency, lines }, new Date()).then(
    (accepted) => accepted.order,
  );
}

export const level = (role: RequiredLevel['role'], extra: Partial<RequiredLevel> = {}): RequiredLevel => ({
  role,
  slaSeconds: 3600,
  escalateTo: 'admin',
  ...extra,
});

export const partner = (id = 'partner-1') => ({ type: 'partner' as const, id });

/** Who saves the fixtures' approval rules, and who approves in `approve` (neither created the order). */
const fixtureAdmin = (tenantId: string) => principal(tenantId, ['admin'], 'fixture-admin');
const fixtureApprover = (tenantId: string) => principal(tenantId, ['approver'], 'fixture-approver');

/** The rule id of the rule set `requireApproval` saves; the approval inbox shows it. */
export const REQUIRE_RULE_ID = 'test-levels';
/** The rule id of the rule set `autoApprove` saves. */
export const AUTO_RULE_ID = 'test-auto';

class FixtureError extends Error {
  override name = 'FixtureError';
}

/**
 * One tenant's rule changes and the Advance runs they are for happen one after another, so that
 * two helpers running at once for one tenant never decide an order under each other's rules.
 */
const tenantQueues = new Map<string, Promise<unknown>>();
function oneAtATime<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
  const previous = tenantQueues.get(tenantId) ?? Promise.resolve();
  const next = previous.then(work, work);
  tenantQueues.set(
    tenantId,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * Puts `rules` in force for the tenant through PUT /v1/approval-rules, as an admin would (the
 * handler validates them and writes its audit records), unless exactly they are in force already.
 * The tenant's credit guard (`overCreditLimit`, `creditOverrideRoles`), if it saved one, is kept.
 */
async function useRules(tenantId: string, rules: RuleSet['rules']): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getRuleSet(tenantId, { consistentRead: true });
    const ruleSet: RuleSet = { ...current.ruleSet, rules };
    if (current.version > 0 && canonical(current.ruleSet) === canonical(ruleSet)) return;
    const res = await invoke(putApprovalRules, {
      routeKey: 'PUT /v1/approval-rules',
      principal: fixtureAdmin(tenantId),
      headers: { 'if-match': `"${current.version}"` },
      body: ruleSet,
    });
    if (res.status === 200) return;
    // Saved by someone else meanwhile: read again.
    if (res.status !== 412) {
      throw new FixtureError(
        `PUT /v1/approval-rules refused the fixture's rules: ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
  }
  throw new FixtureError('PUT /v1/approval-rules kept answering 412 to the fixture');
}

/** JSON with object keys sorted: DynamoDB does not keep a map's key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

const oneRule = (id: string, name: string, outcome: Outcome): RuleSet['rules'] => [
  defineRule(id, name, {}, outcome),
];

type Task = (event: unknown, context: ReturnType<typeof fakeContext>) => Promise<unknown>;

/** Runs a real task handler as its Lambda would be invoked, with the clock at `now` when given. */
export async function runTask<R>(task: Task, event: object, now?: Date): Promise<R> {
  if (now === undefined) return (await task(event, fakeContext())) as R;
  // The task reads the clock itself (`new Date()`): hold Date at `now` while it runs, as
  // events-from-orders.test.ts does to step past SLAs. Only Date is faked; timers stay real.
  const faked = vi.isFakeTimers();
  const before = Date.now();
  if (!faked) vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
  try {
    return (await task(event, fakeContext())) as R;
  } finally {
    if (faked) vi.setSystemTime(before);
    else vi.useRealTimers();
  }
}

/** The order as stored, which must be in `status`; otherwise the fixture, not the test, failed. */
async function expectStatus(
  t: TenantFixture,
  orderId: string,
  status: OrderStatus,
  helper: string,
  what: unknown,
): Promise<OrderRecord> {
  const order = await getOrderRecord(t.tenantId, orderId);
  if (order.status !== status) {
    throw new FixtureError(
      `${helper}: the real handler left order ${orderId} ${order.status}, not ${status} (it returned ${JSON.stringify(what)})`,
    );
  }
  return order;
}

/**
 * SUBMITTED → PENDING_APPROVAL through the real Advance task, under a saved rule set whose one
 * rule (`test-levels`, unconditional) requires exactly `required`. With `now`, Advance runs with
 * its clock at `now`, so the first level was requested then (and is due `slaSeconds` later).
 */
export async function requireApproval(
  t: TenantFixture,
  orderId: string,
  required: RequiredLevel[],
  now?: Date,
): Promise<OrderRecord> {
  const rules = oneRule(REQUIRE_RULE_ID, 'Test levels', {
    type: 'require-approval',
    levels: required.map((l) => ({
      role: l.role,
      ...(l.approverUserId === undefined ? {} : { approverUserId: l.approverUserId }),
      slaSeconds: l.slaSeconds,
      escalateTo: l.escalateTo,
    })),
  });
  const step = await oneAtATime(t.tenantId, async () => {
    await useRules(t.tenantId, rules);
    return runTask(advanceTask, { tenantId: t.tenantId, orderId }, now);
  });
  const order = await expectStatus(t, orderId, 'PENDING_APPROVAL', 'requireApproval', step);
  const levels = (order.approval?.levels ?? []).map((l) => ({
    role: l.role,
    ...(l.approverUserId === undefined ? {} : { approverUserId: l.approverUserId }),
    slaSeconds: l.slaSeconds,
    escalateTo: l.escalateTo,
  }));
  const wanted = required.map((l) => ({
    role: l.role,
    ...(l.approverUserId === undefined ? {} : { approverUserId: l.approverUserId }),
    slaSeconds: l.slaSeconds,
    escalateTo: l.escalateTo,
  }));
  if (
    order.approval?.decision?.ruleId !== REQUIRE_RULE_ID ||
    JSON.stringify(levels) !== JSON.stringify(wanted)
  ) {
    throw new FixtureError(
      `requireApproval: Advance decided order ${orderId} by ${order.approval?.decision?.ruleId} with levels ${JSON.stringify(levels)}, not ${JSON.stringify(wanted)}`,
    );
  }
  return order;
}

/**
 * SUBMITTED → APPROVED by a person: one approver level required (as `requireApproval`), then
 * approved by `approver` through `approveOrder`. The total joins the customer's open balance.
 * Nothing reserves the stock yet: the order is where ReserveStock finds it (or a restarted
 * execution's Advance). No token is parked, so none is answered.
 */
export async function approve(
  t: TenantFixture,
  orderId: string,
  approver: Principal = fixtureApprover(t.tenantId),
): Promise<OrderRecord> {
  await requireApproval(t, orderId, [level('approver')]);
  const approved = await approveOrder(approver, orderId, {}, new Date());
  return expectStatus(t, orderId, 'APPROVED', 'approve', approved.status);
}

/**
 * SUBMITTED → auto-approved by a rule (`test-auto`, unconditional) through the real Advance task,
 * the total joining the customer's open balance — and, because Advance reserves an auto-approved
 * order's stock in the same run, on to STOCK_RESERVED. (An order resting in APPROVED is one a
 * person approved: see `approve`.) Past the customer's credit limit the credit guard decides
 * instead, and this fails.
 */
export async function autoApprove(t: TenantFixture, orderId: string): Promise<OrderRecord> {
  const step = await oneAtATime(t.tenantId, async () => {
    await useRules(t.tenantId, oneRule(AUTO_RULE_ID, 'Test auto', { type: 'auto-approve' }));
    return runTask(advanceTask, { tenantId: t.tenantId, orderId });
  });
  const order = await expectStatus(t, orderId, 'STOCK_RESERVED', 'autoApprove', step);
  if (order.approval?.decision?.ruleId !== AUTO_RULE_ID) {
    throw new FixtureError(
      `autoApprove: order ${orderId} was decided by ${order.approval?.decision?.ruleId}, not ${AUTO_RULE_ID}`,
    );
  }
  return order;
}

/**
 * APPROVED → STOCK_RESERVED through the real ReserveStock task, every line in one transaction. An
 * order already reserved (as `autoApprove` leaves it) is left as it is, as ReserveStock does.
 */
export async function reserve(t: TenantFixture, orderId: string): Promise<OrderRecord> {
  const step = await runTask(reserveStockTask, { tenantId: t.tenantId, orderId });
  return expectStatus(t, orderId, 'STOCK_RESERVED', 'reserve', step);
}

/** Runs a token task that must keep `token` on the order (not answer it); returns the order. */
async function keepToken(
  t: TenantFixture,
  orderId: string,
  task: Task,
  event: object,
  token: string,
  helper: string,
): Promise<OrderRecord> {
  const result = await runTask<{ waiting: boolean }>(task, {
    tenantId: t.tenantId,
    orderId,
    taskToken: token,
    ...event,
  });
  const order = await getOrderRecord(t.tenantId, orderId);
  if (!result.waiting || order.task?.token !== token) {
    throw new FixtureError(
      `${helper}: the real task answered its token instead of keeping it (order ${orderId} is ${order.status}, returned ${JSON.stringify(result)})`,
    );
  }
  return order;
}

const newToken = (kind: string, orderId: string) =>
  `token-${kind}-${orderId}-${Math.random().toString(36).slice(2)}`;

/**
 * Keeps a fresh task token on the order through the real task that waits for it: AwaitApproval
 * (for the pending level), RequestFulfilment (shipment: parks again on an IN_FULFILMENT order)
 * or AwaitDelivery. Returns the token; fails when the task answered it instead.
 */
export async function parkTask(
  t: TenantFixture,
  orderId: string,
  kind: PendingTask['kind'],
  token = newToken(kind, orderId),
): Promise<string> {
  if (kind === 'approval') {
    const before = await getOrderRecord(t.tenantId, orderId);
    const pending = before.approval?.levels.find((l) => l.status === 'pending');
    if (!pending) throw new FixtureError(`parkTask: order ${orderId} has no pending approval level`);
    await keepToken(t, orderId, awaitApprovalTask, { level: pending.level }, token, 'parkTask(approval)');
  } else if (kind === 'shipment') {
    await keepToken(t, orderId, requestFulfilmentTask, {}, token, 'parkTask(shipment)');
  } else {
    await keepToken(t, orderId, awaitDeliveryTask, {}, token, 'parkTask(delivery)');
  }
  return token;
}

/**
 * STOCK_RESERVED → IN_FULFILMENT through the real RequestFulfilment task: the order assigned to
 * the partner the tenant's routing names (`in-house` without one), the FULFILMENT_REQUESTED event
 * written and the shipment token kept. Returns the token.
 */
export async function requestFulfilment(
  t: TenantFixture,
  orderId: string,
  token = `token-shipment-${orderId}`,
): Promise<string> {
  const order = await keepToken(t, orderId, requestFulfilmentTask, {}, token, 'requestFulfilment');
  if (order.status !== 'IN_FULFILMENT') {
    throw new FixtureError(`requestFulfilment: order ${orderId} is ${order.status}, not IN_FULFILMENT`);
  }
  return token;
}

type Reachable = Exclude<OrderStatus, 'CLOSED' | 'REJECTED' | 'CANCELLED'>;

/**
 * A new order driven to `status` by the real tasks and operations: PENDING_APPROVAL by one approver
 * level (`requireApproval`, no token kept), APPROVED by a person (`approve`), STOCK_RESERVED by
 * auto-approval (`autoApprove`), IN_FULFILMENT by RequestFulfilment (its shipment token
 * `token-shipment-<id>` kept), SHIPPED and DELIVERED by the partner's reports (no delivery token
 * kept: call `parkTask(…, 'delivery')` for one).
 */
export async function orderIn(
  t: TenantFixture,
  status: Reachable,
  lines?: OrderCreate['lines'],
): Promise<OrderRecord> {
  const order = await submitOrder(t, lines);
  if (status === 'SUBMITTED') return expectStatus(t, order.id, status, 'orderIn', order.status);
  if (status === 'PENDING_APPROVAL') return requireApproval(t, order.id, [level('approver')]);
  if (status === 'APPROVED') return approve(t, order.id);
  await autoApprove(t, order.id);
  if (status !== 'STOCK_RESERVED') await requestFulfilment(t, order.id);
  if (status === 'SHIPPED' || status === 'DELIVERED') {
    await reportShipment(
      t.tenantId,
      TENANT_WIDE,
      order.id,
      { carrier: 'DHL', trackingNumber: 'JD0001' },
      partner(),
      new Date(),
    );
  }
  if (status === 'DELIVERED')
    await reportDelivery(t.tenantId, TENANT_WIDE, order.id, {}, partner(), new Date());
  return expectStatus(t, order.id, status, 'orderIn', status);
}

export const stockOf = async (t: TenantFixture, sku: string) =>
  (await getProduct(t.tenantId, t.products[sku] as string)).stock;

/** The customer item as stored: the open balance is not part of the Customer resource. */
export async function openBalanceOf(t: TenantFixture): Promise<number> {
  const result = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: customerKey(t.tenantId, t.customerId) }),
  );
  return Number(result.Item?.openBalanceMinor ?? 0);
}
