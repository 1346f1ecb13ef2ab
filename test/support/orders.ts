import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { changeOpenBalance } from '../../functions/customers/balance-items';
import { createCustomer, customerKey } from '../../functions/customers/store';
import { inboxAttributes, levelsFromRule, type RequiredLevel } from '../../functions/orders/approval-levels';
import { createOrder } from '../../functions/orders/create-order';
import { reportDelivery, reportShipment } from '../../functions/orders/fulfilment-reports';
import { orderKey, partnerIndexAttributes } from '../../functions/orders/keys';
import { TENANT_WIDE } from '../../functions/orders/partner-scope';
import type { Order, OrderCreate } from '../../functions/orders/schemas';
import type { OrderStatus } from '../../functions/orders/status';
import {
  changeOrder,
  getOrderRecord,
  type OrderRecord,
  type PendingTask,
} from '../../functions/orders/store';
import { reserveStock } from '../../functions/products/stock-items';
import { getProduct, createProduct as putProduct } from '../../functions/products/store';
import { partnerFor } from '../../functions/settings/fulfilment-partners';
import { getPartnerRouting } from '../../functions/settings/store';
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
import type { WorkflowStep } from '../../functions/workflow/steps';
import { principal, uniqueTenant } from './invoke';

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

/** SUBMITTED → PENDING_APPROVAL, as the Advance task does when a rule requires levels. */
export async function requireApproval(
  t: TenantFixture,
  orderId: string,
  required: RequiredLevel[],
  now = new Date(),
): Promise<OrderRecord> {
  const before = await getOrderRecord(t.tenantId, orderId);
  const levels = levelsFromRule(required, now);
  return changeOrder(t.tenantId, before, {
    toStatus: 'PENDING_APPROVAL',
    set: {
      approval: {
        decision: {
          outcome: 'require-approval',
          ruleId: 'test-levels',
          ruleName: 'Test levels',
          observed: {},
        },
        levels,
      },
      ...inboxAttributes(t.tenantId, orderId, levels[0]),
    },
    event: {
      type: 'APPROVAL_REQUIRED',
      actor: { type: 'system', id: 'workflow' },
      details: { ruleId: 'test-levels' },
    },
    now: now.toISOString(),
  });
}

/**
 * Parks a task token on the order, as a waitForTaskToken task does (AwaitApproval, AwaitDelivery):
 * no timeline event, but a new version, so that a decision read before it cannot commit after it
 * without re-reading (and seeing the token).
 */
export async function parkTask(
  t: TenantFixture,
  orderId: string,
  kind: PendingTask['kind'],
  token = `token-${kind}-${orderId}-${Math.random().toString(36).slice(2)}`,
): Promise<string> {
  const before = await getOrderRecord(t.tenantId, orderId);
  const level = before.approval?.levels.find((l) => l.status === 'pending')?.level;
  const task: PendingTask = { kind, token, enteredAt: new Date().toISOString(), ...(level ? { level } : {}) };
  await documentClient.send(
    new UpdateCommand({
      TableName: domainTableName(),
      Key: orderKey(t.tenantId, orderId),
      UpdateExpression: 'SET #task = :task, #version = :next',
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#task': 'task', '#version': 'version' },
      ExpressionAttributeValues: { ':task': task, ':version': before.version, ':next': before.version + 1 },
    }),
  );
  return token;
}

/** SUBMITTED → APPROVED by a rule, with the customer's open balance raised, as Advance does. */
export async function autoApprove(t: TenantFixture, orderId: string): Promise<OrderRecord> {
  const before = await getOrderRecord(t.tenantId, orderId);
  const at = new Date().toISOString();
  return changeOrder(t.tenantId, before, {
    toStatus: 'APPROVED',
    set: {
      approval: {
        decision: { outcome: 'auto-approve', ruleId: 'test-auto', ruleName: 'Test auto', observed: {} },
        levels: [],
      },
    },
    event: {
      type: 'AUTO_APPROVED',
      actor: { type: 'system', id: 'workflow' },
      details: { ruleId: 'test-auto' },
    },
    also: [changeOpenBalance(t.tenantId, before.customerId, before.total.amountMinor)],
    now: at,
  });
}

/** APPROVED → STOCK_RESERVED, every line in the same transaction, as ReserveStock does. */
export async function reserve(t: TenantFixture, orderId: string): Promise<OrderRecord> {
  const before = await getOrderRecord(t.tenantId, orderId);
  const reservations = before.lines.map((l) => ({
    sku: l.sku,
    productId: l.productId,
    quantity: l.quantity,
  }));
  return changeOrder(t.tenantId, before, {
    toStatus: 'STOCK_RESERVED',
    set: { reservations },
    event: { type: 'STOCK_RESERVED', actor: { type: 'system', id: 'workflow' } },
    also: reservations.map((r) => reserveStock(t.tenantId, r.productId, r.quantity)),
    now: new Date().toISOString(),
  });
}

/**
 * STOCK_RESERVED → IN_FULFILMENT with the shipment token parked and the order assigned to the
 * partner the tenant's routing names (`in-house` for a tenant that never saved one), as
 * RequestFulfilment does.
 */
export async function requestFulfilment(
  t: TenantFixture,
  orderId: string,
  token = `token-shipment-${orderId}`,
): Promise<string> {
  const before = await getOrderRecord(t.tenantId, orderId);
  const partnerId = partnerFor(before, (await getPartnerRouting(t.tenantId)).routing);
  const at = new Date().toISOString();
  await changeOrder(t.tenantId, before, {
    toStatus: 'IN_FULFILMENT',
    set: {
      task: { kind: 'shipment', token, enteredAt: at } satisfies PendingTask,
      partnerId,
      ...partnerIndexAttributes(t.tenantId, before, partnerId),
    },
    event: {
      type: 'FULFILMENT_REQUESTED',
      actor: { type: 'system', id: 'workflow' },
      details: { partnerId },
    },
    now: at,
  });
  return token;
}

export const partner = (id = 'partner-1') => ({ type: 'partner' as const, id });

type Reachable = Exclude<OrderStatus, 'CLOSED' | 'REJECTED' | 'CANCELLED'>;

/** A new order driven to `status` the way the workflow (and the partner, for SHIPPED/DELIVERED) would. */
export async function orderIn(
  t: TenantFixture,
  status: Reachable,
  lines?: OrderCreate['lines'],
): Promise<OrderRecord> {
  const order = await submitOrder(t, lines);
  if (status === 'SUBMITTED') return getOrderRecord(t.tenantId, order.id);
  if (status === 'PENDING_APPROVAL') return requireApproval(t, order.id, [level('approver')]);
  await autoApprove(t, order.id);
  if (status !== 'APPROVED') await reserve(t, order.id);
  if (status !== 'APPROVED' && status !== 'STOCK_RESERVED') await requestFulfilment(t, order.id);
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
  return getOrderRecord(t.tenantId, order.id);
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
