import { addDays, daysBetween, type PeriodKind, periodSpan } from '../aggregates/periods';
import { ValidationError } from '../shared/http/errors';

/**
 * The days a report covers, and the periods that makes. `from` is inclusive and `to` exclusive;
 * every period holding one of those days is reported whole. The span is bounded so that a page's
 * work stays bounded by the query, never by the data: 400 days by day, 3 years by week, 5 years by
 * month.
 */
export const MAX_DAYS: Record<PeriodKind, number> = { day: 400, week: 3 * 366, month: 5 * 366 };
const DEFAULT_DAYS: Record<PeriodKind, number> = { day: 31, week: 84, month: 365 };

export interface ReportRange {
  from: string;
  to: string;
  /** The first and last period of the range. */
  first: string;
  last: string;
}

export function reportRange(
  period: PeriodKind,
  asked: { from?: string; to?: string },
  /** Today in the tenant's time zone. */
  today: string,
): ReportRange {
  const to = asked.to ?? addDays(today, 1);
  const from = asked.from ?? addDays(to, -DEFAULT_DAYS[period]);
  const days = daysBetween(from, to);
  if (days <= 0)
    throw new ValidationError([
      { field: asked.to === undefined ? 'query.from' : 'query.to', message: 'must be a day after from' },
    ]);
  if (days > MAX_DAYS[period])
    throw new ValidationError([
      {
        field: asked.from === undefined ? 'query.to' : 'query.from',
        message: `a report by ${period} covers at most ${MAX_DAYS[period]} days; ask for a shorter range or a longer period`,
      },
    ]);
  return { from, to, ...periodSpan(period, from, to) };
}
