/**
 * Why a handler fails a waiting task token, as a code from a closed set. Step Functions keeps a
 * SendTaskFailure's error and cause in the execution history even with execution data logging
 * off, so neither may carry what people wrote (an approver's comment, a cancel reason, a
 * partner's failure report): that stays on the order and its timeline, where compensation reads
 * it. The error is the name the definition's `Catch` matches; the cause is `{"code":"…"}`.
 */
export const TASK_FAILURES = {
  'order-cancelled': 'OrderCancelled',
  'order-rejected': 'ApprovalRejected',
  'fulfilment-failed': 'FulfilmentFailed',
} as const;

export type TaskFailureCode = keyof typeof TASK_FAILURES;

/**
 * The error and cause Step Functions is sent for `code`. Refuses anything that is not a code at
 * run time too, so text that got past the types (a cast, plain JavaScript) never leaves; the
 * refusal does not quote it, as it may be exactly what must not be kept.
 */
export function taskFailure(code: TaskFailureCode): { error: string; cause: string } {
  if (typeof code !== 'string' || !Object.hasOwn(TASK_FAILURES, code)) {
    throw new TypeError(
      `A task failure takes one of ${Object.keys(TASK_FAILURES).join(', ')}, not free text`,
    );
  }
  return { error: TASK_FAILURES[code], cause: JSON.stringify({ code }) };
}
