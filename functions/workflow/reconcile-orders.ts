import * as z from 'zod';
import { scheduleHandler } from '../shared/schedule/handler';
import { workflow } from '../shared/workflow/port';
import { reconcileOrders } from './reconcile';

/** The stuck-order reconciler (reconcile.ts), every 5 minutes; the twin also runs it once at its start with `all`. */
const Payload = z.object({
  all: z.boolean().default(false).describe('Every order in the index, not only the due ones'),
});

export const handler = scheduleHandler('reconcileOrders', Payload, ({ all }, now) =>
  reconcileOrders({ now, port: workflow(), all }),
);
