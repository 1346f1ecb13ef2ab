import { REVENUE_STATUSES } from '../../aggregates/catalogue';
import { type AggregateQuery, readAggregates } from '../../aggregates/read';
import { NEED_STATUSES } from '../../needs/lifecycle';

/**
 * How many needs and orders a run will read, from the live aggregates instead of a count of the
 * records themselves: a handful of small Queries whatever the tenant's size. They say how many
 * segments each partition is cut into and give the progress its denominator. The aggregates
 * follow the table's stream, a second or so behind, so a count may be a little off; the run
 * reads the records, never trusts these for results.
 *
 * - needs per status: the `needs` family by status, summed over every month;
 * - orders per revenue status (APPROVED…CLOSED, the orders the run folds): the open ones from the
 *   `pipeline` snapshot over all time, by status; CLOSED is the rest of the `revenue` family's
 *   orders (which counts exactly those six statuses) once the open ones are taken away.
 */
export interface ExpectedCounts {
  needs: Record<string, number>;
  orders: Record<string, number>;
  /** What came from the aggregates, for the run's `inputs.fromAggregates`. */
  sources: string[];
}

/** Every month there can be: periods are `YYYY-MM` and sort as text. */
const ALL_MONTHS = { period: 'month', first: '0000-01', last: '9999-12' } as const;
const PAGE = 1000;

/** The sum of measure `n` per group over a whole aggregate query, page by page. */
async function countsBy(q: Omit<AggregateQuery, 'limit' | 'after'>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let after: string | undefined;
  do {
    const page = await readAggregates({ ...q, limit: PAGE, ...(after ? { after } : {}) });
    for (const row of page.rows) counts[row.group] = (counts[row.group] ?? 0) + (row.measures.n ?? 0);
    after = page.endedAt;
  } while (after);
  return counts;
}

export async function expectedCounts(tenantId: string): Promise<ExpectedCounts> {
  const [needsByStatus, open, revenue] = await Promise.all([
    countsBy({ tenantId, family: 'needs', dimension: 'status', ...ALL_MONTHS }),
    countsBy({ tenantId, family: 'pipeline', dimension: 'status', period: 'all', first: 'all', last: 'all' }),
    countsBy({ tenantId, family: 'revenue', dimension: 'none', ...ALL_MONTHS }),
  ]);
  const needs = Object.fromEntries(NEED_STATUSES.map((status) => [status, needsByStatus[status] ?? 0]));
  const orders: Record<string, number> = {};
  let openTotal = 0;
  for (const status of REVENUE_STATUSES) {
    if (status === 'CLOSED') continue;
    orders[status] = open[status] ?? 0;
    openTotal += orders[status];
  }
  const revenueTotal = Object.values(revenue).reduce((sum, n) => sum + n, 0);
  orders.CLOSED = Math.max(0, revenueTotal - openTotal);
  return {
    needs,
    orders,
    sources: [
      'needs per status (aggregates: needs × month × status)',
      'orders per status (aggregates: pipeline × all × status, revenue × month)',
    ],
  };
}
