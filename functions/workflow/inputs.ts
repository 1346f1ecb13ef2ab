import * as z from 'zod';
import { Ulid } from '../shared/ids';

/** What the definition's Parameters pass each task. */
export const OrderTaskInput = z.object({ tenantId: z.string().min(1), orderId: Ulid });

export const TokenTaskInput = OrderTaskInput.extend({ taskToken: z.string().min(1) });

export const AwaitApprovalInput = TokenTaskInput.extend({
  level: z.number().int().min(1).describe('The approval level whose SLA is the state’s timeout'),
});

export const CompensateInput = OrderTaskInput.extend({
  state: z
    .object({ error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional() })
    .optional()
    .describe('The state input when compensation began: `error` is what the Catch caught'),
});
