import type { JsonResponse } from '../shared/http/response';
import type { IdempotencyRecord } from '../shared/idempotency/record';
import { TENANT_WIDE } from './partner-scope';
import type { Order, OrderWarning } from './schemas';
import { getOrder } from './store';
import { startOrderWorkflow } from './workflow-start';

/**
 * The answer to a retried create: the order as it is now, with the warnings of the first answer.
 * An order still SUBMITTED may never have had its workflow started (the first attempt died
 * between its commit and the start): the retry starts it, which is a no-op when it runs already.
 */
export async function replayCreatedOrder(
  tenantId: string,
  record: IdempotencyRecord,
  respond: (order: Order, warnings?: OrderWarning[]) => JsonResponse,
): Promise<JsonResponse> {
  // The order this very request created: whoever made it saw it then, whichever partner serves it now.
  const order = await getOrder(tenantId, TENANT_WIDE, record.resourceId);
  if (order.status === 'SUBMITTED') await startOrderWorkflow(tenantId, order.id);
  return respond(order, (record.extras?.warnings as OrderWarning[] | undefined) ?? []);
}
