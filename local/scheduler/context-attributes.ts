/**
 * EventBridge Scheduler's context attributes: keywords a schedule's input may hold, replaced in
 * each invocation's input by the schedule's ARN, the time it was due, the invocation's id and
 * its attempt number. Scheduler substitutes them in the input text; a job's payload is JSON, so
 * they are replaced inside its string values.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
export interface ScheduleContext {
  scheduleArn: string;
  /** When the invocation was due (not when it ran), whole seconds. */
  scheduledTime: number;
  /** One per occurrence: its retries keep it, and the attempt number tells them apart. */
  executionId: string;
  /** 1 for the first attempt, then one more for each retry. */
  attemptNumber: number;
}

/** The twin's stand-in for the schedule's ARN (region and account as the twin's other ARNs). */
export const localScheduleArn = (name: string) =>
  `arn:aws:scheduler:local:000000000000:schedule/default/${name}`;

/** ISO 8601 in UTC without milliseconds, as Scheduler writes it (2025-03-09T07:30:00Z). */
export const schedulerTime = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function withContextAttributes(payload: unknown, context: ScheduleContext): unknown {
  const values: Record<string, string> = {
    '<aws.scheduler.schedule-arn>': context.scheduleArn,
    '<aws.scheduler.scheduled-time>': schedulerTime(context.scheduledTime),
    '<aws.scheduler.execution-id>': context.executionId,
    '<aws.scheduler.attempt-number>': String(context.attemptNumber),
  };
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string')
      return value.replace(/<aws\.scheduler\.[a-z-]+>/g, (key) => values[key] ?? key);
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fill(inner)]));
    }
    return value;
  };
  return fill(payload);
}
