import * as z from 'zod';
import { cronProblem, DEFAULT_CRON } from './cron';

/**
 * The tenant's analysis schedule, part of its settings (`PUT /v1/settings/tenant`): whether the
 * analysis runs by itself, and when, on the tenant's wall clock (its `timeZone`).
 */
export interface AnalysisSchedule {
  enabled: boolean;
  cron: string;
}

export const DEFAULT_ANALYSIS_SCHEDULE: AnalysisSchedule = { enabled: true, cron: DEFAULT_CRON };

const Cron = z
  .string()
  .max(100)
  .transform((value) => value.trim().split(/\s+/).join(' '))
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(
    'When the analysis runs: a 5-field cron (minute hour day-of-month month day-of-week) on the tenant’s wall clock; the minute is one number (at most hourly). `0 2 * * *`: every night at 02:00',
  );

export const AnalysisScheduleSchema = z
  .strictObject({
    enabled: z.boolean().describe('false: the analysis runs only when asked (`POST /v1/analysis/runs`)'),
    cron: Cron,
  })
  .describe('The scheduled analysis (default: enabled, every night at 02:00 in the tenant’s time zone)');
