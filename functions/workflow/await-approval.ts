import { pendingLevel } from '../orders/approval-levels';
import { getOrderRecord, withOrderRetry } from '../orders/store';
import { taskHandler } from '../shared/task/handler';
import type { TaskFailureCode } from '../shared/workflow/task-failures';
import { failTask, succeedTask } from './answer';
import { AwaitApprovalInput } from './inputs';
import { stepFor, type WorkflowStep } from './steps';
import { parkTask } from './store';

type Outcome = { fail: TaskFailureCode } | { succeed: WorkflowStep } | { parked: true };

/**
 * AwaitApproval (waitForTaskToken, the level's SLA as timeout): keeps the token on the order for
 * the approver's decision to answer. When there is nothing to wait for — the level was decided
 * before the token could be kept, the order is being cancelled — it answers its own token at once,
 * so no decision is ever missed. DynamoDB: a GetItem, then an UpdateItem when it parks.
 */
export const handler = taskHandler(
  'awaitApproval',
  AwaitApprovalInput,
  async ({ tenantId, orderId, taskToken, level }, now) => {
    const outcome = await withOrderRetry(async (): Promise<Outcome> => {
      const order = await getOrderRecord(tenantId, orderId);
      if (order.cancelRequest) return { fail: 'order-cancelled' };
      if (order.status === 'REJECTED') return { fail: 'order-rejected' };
      const step = stepFor(tenantId, order, now);
      const pending = pendingLevel(order.approval?.levels);
      if (order.status !== 'PENDING_APPROVAL' || step.next !== 'await-approval' || pending?.level !== level) {
        return { succeed: step };
      }
      await parkTask(tenantId, order, {
        kind: 'approval',
        token: taskToken,
        level,
        enteredAt: now.toISOString(),
      });
      return { parked: true };
    });
    if ('fail' in outcome) await failTask(taskToken, outcome.fail);
    if ('succeed' in outcome) await succeedTask(taskToken, outcome.succeed);
    return { waiting: 'parked' in outcome };
  },
);
