import { WORKFLOW_ERRORS } from './steps';

/**
 * Errors a task throws on purpose. Step Functions sees a Lambda error by its `name` (the
 * errorType), which the definition's `Catch` and the compensation match; messages are for people
 * and carry no personal data.
 */
export class WorkflowError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Some line cannot be reserved: nothing was reserved, compensation cancels with INSUFFICIENT_STOCK. */
export const insufficientStock = (skus: readonly string[]) =>
  new WorkflowError(WORKFLOW_ERRORS.insufficientStock, `Not enough stock available for ${skus.join(', ')}.`);

/** A cancel request was found where the task would otherwise go on. */
export const orderCancelled = () =>
  new WorkflowError(WORKFLOW_ERRORS.cancelled, 'A cancellation was requested for the order.');

/** The order is in a status this task never handles: a fault, compensation decides what is left to do. */
export const unexpectedStatus = (task: string, status: string) =>
  new WorkflowError('UnexpectedOrderState', `${task} does not handle an order in status ${status}.`);

/** The order's customer is gone: approval cannot be decided. */
export const customerMissing = () =>
  new WorkflowError('CustomerNotFound', 'The order’s customer no longer exists.');
