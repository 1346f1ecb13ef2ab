import { dropsCall } from '../shared/faults';
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
 * client it was not. The order's ORDER_SUBMITTED event starts it from the outbox anyway
 * (functions/workflow/start-workflows.ts), and the reconciler after that; this start only saves
 * the stream's latency.
 */
export async function startOrderWorkflow(tenantId: string, orderId: string): Promise<void> {
  if (dropsCall('drop-start')) {
    logger.warn('fault injected: the direct workflow start is dropped', { orderId });
    return;
  }
  try {
    await startOrderExecution(tenantId, orderId);
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return;
    logger.error('could not start the order workflow', { orderId, error: error as Error });
  }
}

/** Starts the order's first execution (named by its id); an execution of that name already there is success. */
export async function startOrderExecution(tenantId: string, orderId: string): Promise<void> {
  const input: OrderWorkflowInput = { tenantId, orderId };
  await workflow().startExecution({ stateMachine: 'orderLifecycle', name: orderId, input });
}
