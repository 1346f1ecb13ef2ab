import * as z from 'zod';
import { scheduleHandler } from '../../shared/schedule/handler';
import { queueDueRuns } from './queue-due';

/** The scheduled analysis (queue-due.ts), every 15 minutes: the tenants due get a QUEUED run. */
export const handler = scheduleHandler('queueDueAnalysisRuns', z.object({}), (_payload, now) =>
  queueDueRuns(now),
);
