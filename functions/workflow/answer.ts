import { logger } from '../shared/logger';
import { TaskTokenInvalidError, workflow } from '../shared/workflow/port';
import type { TaskFailureCode } from '../shared/workflow/task-failures';
import type { WorkflowStep } from './steps';

/**
 * A token task that finds nothing to wait for answers its own token before it returns. A token
 * that is no longer valid means the execution has already moved on (its state timed out, or it
 * was stopped): there is nothing left to tell it.
 */
async function send(what: () => Promise<void>): Promise<void> {
  try {
    await what();
  } catch (error) {
    if (error instanceof TaskTokenInvalidError) {
      logger.warn('own task token no longer valid; the execution has moved on');
      return;
    }
    throw error;
  }
}

export const succeedTask = (token: string, step: WorkflowStep) =>
  send(() => workflow().sendTaskSuccess(token, step));

/** Fails its own token with a code: the reason people gave stays on the order, out of the execution history. */
export const failTask = (token: string, code: TaskFailureCode) =>
  send(() => workflow().sendTaskFailure(token, code));
