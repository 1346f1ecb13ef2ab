import { logger } from '../shared/logger';
import { workflow } from '../shared/workflow/port';

/** What the workflow execution gets: enough to load the order, nothing more. */
export interface OrderWorkflowInput {
  tenantId: string;
  orderId: string;
}

/**
 * Starts the order's workflow. The execution is named by the order id and its input is the same
 * every time, so starting it again (a retried create, a reconciler) is harmless: a running
 * execution with that name answers as the first start did, a finished one is refused and left alone.
 * A failure is logged, not thrown: the order is committed, and answering 5xx now would tell the
 * client it was not. A retried create starts it again (see `replayCreatedOrder`).
 */
export async function startOrderWorkflow(tenantId: string, orderId: string): Promise<void> {
  const start: OrderWorkflowInput = { tenantId, orderId };
  try {
    await workflow().startExecution({ stateMachine: 'orderLifecycle', name: orderId, input: start });
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return;
    logger.error('could not start the order workflow', { orderId, error: error as Error });
  }
}
