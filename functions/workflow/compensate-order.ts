import { changeOpenBalance } from '../customers/balance-items';
import { hasShipped, isFinal, OPEN_BALANCE_STATUSES, RESERVED_STATUSES } from '../orders/status';
import { getOrderRecord, withOrderRetry } from '../orders/store';
import { releaseStock } from '../products/stock-items';
import { taskHandler } from '../shared/task/handler';
import { cancellationFor } from './cancellation';
import { CompensateInput } from './inputs';
import type { WorkflowStep } from './steps';
import { changeOrderStep } from './store';

/**
 * Compensate — undoes what the order holds and cancels it, in one transaction: every
 * reservation released, the total out of the customer's open balance when it was counted there,
 * CANCELLED with a code and a reason (see `cancellationFor`), out of the approval inbox. An order
 * that already ended needs nothing; one that has shipped cannot be cancelled, so a person is asked
 * to look at it (WORKFLOW_NEEDS_ATTENTION). DynamoDB: a GetItem and one transaction.
 */
export const handler = taskHandler(
  'compensateOrder',
  CompensateInput,
  async ({ tenantId, orderId, state }, now) =>
    withOrderRetry(async (): Promise<WorkflowStep> => {
      const order = await getOrderRecord(tenantId, orderId);
      const caught = state?.error;
      const at = now.toISOString();
      if (isFinal(order.status)) return { tenantId, orderId, next: 'done' };
      if (hasShipped(order.status)) {
        await changeOrderStep(tenantId, order, {
          remove: ['task'],
          event: {
            type: 'WORKFLOW_NEEDS_ATTENTION',
            actor: { type: 'system', id: 'workflow' },
            details: {
              reason:
                'The workflow failed after the order shipped, so it cannot be cancelled; a person must resolve it.',
              ...(caught?.Error ? { error: caught.Error } : {}),
            },
          },
          now: at,
        });
        return { tenantId, orderId, next: 'needs-attention' };
      }
      const cancellation = cancellationFor(order, caught, now);
      const reserved = RESERVED_STATUSES.includes(order.status) ? (order.reservations ?? []) : [];
      const counted = OPEN_BALANCE_STATUSES.includes(order.status);
      await changeOrderStep(tenantId, order, {
        toStatus: 'CANCELLED',
        set: { cancellation },
        remove: ['task', 'inboxPk', 'inboxSk'],
        event: {
          type: 'ORDER_CANCELLED',
          actor: { type: 'system', id: 'workflow' },
          details: {
            code: cancellation.code,
            reason: cancellation.reason,
            ...(reserved.length
              ? { released: reserved.map(({ sku, quantity }) => ({ sku, quantity })) }
              : {}),
          },
        },
        also: [
          ...reserved.map((r) => releaseStock(tenantId, r.productId, r.quantity)),
          ...(counted ? [changeOpenBalance(tenantId, order.customerId, -order.total.amountMinor)] : []),
        ],
        now: at,
      });
      return { tenantId, orderId, next: 'done' };
    }),
);
