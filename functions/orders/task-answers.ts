import { dropsCall } from '../shared/faults';
import { logger } from '../shared/logger';
import { TaskTokenInvalidError, workflow } from '../shared/workflow/port';
import type { TaskFailureCode } from '../shared/workflow/task-failures';
import type { WorkflowStep } from '../workflow/steps';
import type { AnswerDue } from './reconcile-due';
import type { PendingTask } from './store';

/**
 * What a change that answers the parked token writes with it: the token moves from `task` to
 * `answerDue`, in the same transaction. If the answer sent after the commit is lost (the
 * invocation dies, Step Functions is unreachable), the reconciler finds it there and sends it; the
 * workflow's next write clears it. Empty when no token of `kinds` is parked.
 */
export function owedAnswer(
  task: PendingTask | undefined,
  kinds: readonly PendingTask['kind'][],
  answer: { answer: 'success' } | { answer: 'failure'; code: TaskFailureCode },
  at: string,
): { answerDue?: AnswerDue } {
  if (!task || !kinds.includes(task.kind)) return {};
  return { answerDue: { token: task.token, kind: task.kind, ...answer, at } as AnswerDue };
}

/**
 * Answers the task token the workflow parked on the order, after the change that answers it has
 * committed. The change is the truth: the waiting task re-reads the order on its timeout path
 * (and a task that parks after the change finds it recorded), so a token that is no longer
 * valid, or a Step Functions call that fails, does not undo it and is not the client's error —
 * answering 5xx would make the client retry a change that already happened.
 */
async function answer(task: PendingTask, orderId: string, send: () => Promise<void>): Promise<void> {
  if (dropsCall('drop-answer')) {
    logger.warn('fault injected: the task token answer is dropped', { orderId, task: task.kind });
    return;
  }
  try {
    await send();
  } catch (error) {
    if (error instanceof TaskTokenInvalidError) {
      logger.warn('task token no longer valid; the workflow re-reads the order', {
        orderId,
        task: task.kind,
      });
      return;
    }
    logger.error('could not answer the workflow task', { orderId, task: task.kind, error: error as Error });
  }
}

/** Resumes the waiting task with the order's next step. Does nothing without a task of one of `kinds`. */
export async function resumeTask(
  task: PendingTask | undefined,
  kinds: readonly PendingTask['kind'][],
  step: WorkflowStep,
): Promise<void> {
  if (!task || !kinds.includes(task.kind)) return;
  await answer(task, step.orderId, () => workflow().sendTaskSuccess(task.token, step));
}

/**
 * Fails the waiting task with the code of why (task-failures.ts): the error the definition
 * catches. What the person wrote is on the order and its timeline, never in the execution
 * history. Does nothing without a task of one of `kinds`.
 */
export async function failTask(
  task: PendingTask | undefined,
  kinds: readonly PendingTask['kind'][],
  orderId: string,
  code: TaskFailureCode,
): Promise<void> {
  if (!task || !kinds.includes(task.kind)) return;
  await answer(task, orderId, () => workflow().sendTaskFailure(task.token, code));
}
