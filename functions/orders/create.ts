import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { createOrder as accept } from './create-order';
import { createOrder } from './operations';
import { replayCreatedOrder } from './replay-created';
import type { Order, OrderWarning } from './schemas';

const created = (order: Order, warnings: readonly OrderWarning[] = []) =>
  json(201, warnings.length ? { ...order, warnings } : order, {
    etag: etagOf(order.version),
    location: `/v1/orders/${order.id}`,
  });

export const handler = httpHandler(
  createOrder,
  async ({ principal, body, claim }) => {
    const { order, warnings } = await accept(principal, body, new Date(), claim);
    return created(order, warnings);
  },
  { replay: async ({ principal }, record) => replayCreatedOrder(principal.tenantId, record, created) },
);
