import { scheduleHandler } from '../../shared/schedule/handler';
import { SweepPayload, sweep } from './sweep';

/** SweepWebhookDeliveries — every minute, the due webhook lanes (sweep.ts). */
export const handler = scheduleHandler('sweepWebhookDeliveries', SweepPayload, (payload, now) =>
  sweep(payload, now),
);
