import { type AnswerDue, executionNameOf, RECONCILE_SHARDS } from '../orders/reconcile-due';
import { isFinal } from '../orders/status';
import { getOrderRecord, type OrderRecord } from '../orders/store';
import type { OrderWorkflowInput } from '../orders/workflow-start';
import { NotFoundError } from '../shared/http/errors';
import { logger } from '../shared/logger';
import { TaskTokenInvalidError, type WorkflowPort } from '../shared/workflow/port';
import {
  claimRestart,
  clearAnswerDue,
  type DueEntry,
  dueOrders,
  forgetOrder,
  rescheduleOrder,
} from './reconcile-store';
import { stepFor } from './steps';

/**
 * No order left behind. Orders due for a look (index `ordersToReconcile`, see
 * orders/reconcile-due.ts) are read one by one and, by what the order and its execution say:
 * - a token answer a committed change owes the execution (`answerDue`) is sent — the order's
 *   stored status is ahead of the execution's waiting step;
 * - an execution that never started (or that the local twin forgot in a restart) is started under
 *   the order's current execution name;
 * - an execution that ended while the order is not final is started again as `<orderId>.r<n>`
 *   (a name stays reserved for 90 days in AWS), and the definition, routing on the stored status,
 *   carries on from where the order is;
 * - a running execution only pushes the next look back.
 * DynamoDB: a Query per page of due orders, then per order a GetItem and one UpdateItem;
 * Step Functions: a DescribeExecution per order, a start or an answer where one is needed.
 */

/** Restarts of one order before the reconciler gives up on it and leaves it to a person (logged as an error). */
export const MAX_RESTARTS = 3;
/** Orders one run looks at, at most; the rest are still due at the next run. */
const MAX_PER_RUN = 2000;
const PAGE = 100;

export type ReconcileOutcome =
  | 'answered'
  | 'started'
  | 'restarted'
  | 'running'
  | 'forgotten'
  | 'needs-attention'
  | 'changed';

export type ReconcileReport = Record<ReconcileOutcome, number> & { looked: number };

export interface ReconcileOptions {
  now: Date;
  port: WorkflowPort;
  /** Every order in the index, due or not: the twin's start, whose executions died with its last run. */
  all?: boolean;
}

export async function reconcileOrders(options: ReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    looked: 0,
    answered: 0,
    started: 0,
    restarted: 0,
    running: 0,
    forgotten: 0,
    'needs-attention': 0,
    changed: 0,
  };
  // '$' sorts right after '#', so every entry due at or before now is below the bound.
  const dueBefore = options.all ? '~' : `${options.now.toISOString()}$`;
  const budget = Math.ceil(MAX_PER_RUN / RECONCILE_SHARDS);
  await Promise.all(
    Array.from({ length: RECONCILE_SHARDS }, async (_, shard) => {
      let startKey: Record<string, unknown> | undefined;
      let looked = 0;
      do {
        const page = await dueOrders(shard, dueBefore, Math.min(PAGE, budget - looked), startKey);
        for (const entry of page.entries) {
          const outcome = await reconcileOne(entry, options);
          if (outcome) report[outcome] += 1;
          report.looked += 1;
          looked += 1;
        }
        startKey = page.next;
      } while (startKey && looked < budget);
    }),
  );
  return report;
}

async function reconcileOne(
  entry: DueEntry,
  options: ReconcileOptions,
): Promise<ReconcileOutcome | undefined> {
  const { tenantId, orderId } = entry;
  let order: OrderRecord;
  try {
    order = await getOrderRecord(tenantId, orderId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  if (order.answerDue) {
    const answered = await sendOwedAnswer(tenantId, order, order.answerDue, options);
    if (answered) {
      return (await clearAnswerDue(tenantId, order, 'step', options.now)) ? 'answered' : 'changed';
    }
    // The token is no longer valid: that execution has moved on or ended. Look at it afresh.
    if (!(await clearAnswerDue(tenantId, order, 'step', options.now))) return 'changed';
    const { answerDue: _gone, ...rest } = order;
    order = { ...rest, version: order.version };
  }
  if (isFinal(order.status)) return (await forgetOrder(tenantId, order)) ? 'forgotten' : 'changed';

  const name = executionNameOf(order);
  const status = await options.port.describeExecution({ stateMachine: 'orderLifecycle', name });
  if (status === 'RUNNING') {
    return (await rescheduleOrder(tenantId, order, order.task ? 'waiting' : 'step', options.now))
      ? 'running'
      : 'changed';
  }
  if (status === undefined) {
    if (!(await rescheduleOrder(tenantId, order, 'step', options.now))) return 'changed';
    await start(tenantId, orderId, name, options.port);
    return 'started';
  }
  const run = (order.workflowRun ?? 0) + 1;
  if (run > MAX_RESTARTS) {
    logger.error('the order workflow keeps ending before the order is final; left for a person', {
      tenantId,
      orderId,
      status: order.status,
      execution: name,
      executionStatus: status,
    });
    return (await forgetOrder(tenantId, order)) ? 'needs-attention' : 'changed';
  }
  if (!(await claimRestart(tenantId, order, run, options.now))) return 'changed';
  await start(tenantId, orderId, executionNameOf({ id: orderId, workflowRun: run }), options.port);
  logger.info('order workflow restarted', { tenantId, orderId, status: order.status, run, was: status });
  return 'restarted';
}

/** True when the answer reached the execution; false when its token is no longer valid. */
async function sendOwedAnswer(
  tenantId: string,
  order: OrderRecord,
  due: AnswerDue,
  options: ReconcileOptions,
): Promise<boolean> {
  try {
    if (due.answer === 'success') {
      await options.port.sendTaskSuccess(due.token, stepFor(tenantId, order, options.now));
    } else {
      await options.port.sendTaskFailure(due.token, due.code);
    }
    logger.info('owed task token answer sent', { tenantId, orderId: order.id, task: due.kind });
    return true;
  } catch (error) {
    if (error instanceof TaskTokenInvalidError) return false;
    throw error;
  }
}

async function start(tenantId: string, orderId: string, name: string, port: WorkflowPort): Promise<void> {
  const input: OrderWorkflowInput = { tenantId, orderId };
  await port.startExecution({ stateMachine: 'orderLifecycle', name, input });
}
