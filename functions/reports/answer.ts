import type { Family } from '../aggregates/catalogue';
import type { PeriodKind } from '../aggregates/periods';
import { type AggregateRow, cursorPartition, readAggregates } from '../aggregates/read';
import { getTenantSettings } from '../settings/tenant-store';
import { localDate } from '../shared/civil-time';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
import { ValidationError } from '../shared/http/errors';
import { csv, type JsonResponse, json } from '../shared/http/response';
import { reportRange } from './range';

/**
 * One page of a report, from the aggregates only: the tenant's zone (one GetItem, for the default
 * range and to say which zone cuts the periods), then one Query per shard of the dimension asked
 * for. JSON, or the report's CSV form with the next page in a `Link` header.
 */
export interface ReportSpec<Row> {
  /** The report's name, in the cursor and the CSV file name. */
  name: string;
  path: string;
  family: Family;
  row: (row: AggregateRow, grouped: boolean) => Row;
  csv: (rows: Row[], grouped: boolean) => string;
}

export interface ReportQuery {
  groupBy: string;
  period: PeriodKind | 'all';
  from?: string;
  to?: string;
  format: 'json' | 'csv';
  limit: number;
  cursor?: string;
}

export async function answerReport<Row>(
  spec: ReportSpec<Row>,
  tenantId: string,
  query: ReportQuery,
  now: Date,
): Promise<JsonResponse> {
  const { timeZone } = await getTenantSettings(tenantId);
  const span = spanOf(query, localDate(now, timeZone));
  const aggregateQuery = {
    tenantId,
    family: spec.family,
    period: query.period,
    dimension: query.groupBy,
    first: span.first,
    last: span.last,
    limit: query.limit,
  };
  // The cursor names the report and the periods it covers: it cannot page another query.
  const list = `report:${spec.name}:${query.period}:${query.groupBy}:${span.first}:${span.last}`;
  const partition = { attribute: 'pk', value: cursorPartition(aggregateQuery) };
  const after = (await decodeCursor(query.cursor, list, partition, ['pk', 'sk']))?.sk as string | undefined;
  const page = await readAggregates({ ...aggregateQuery, ...(after ? { after } : {}) });
  const nextCursor = page.endedAt
    ? await encodeCursor(list, { pk: partition.value, sk: page.endedAt })
    : undefined;
  const grouped = query.groupBy !== 'none';
  const rows = page.rows.map((row) => spec.row(row, grouped));
  const range = span.from === undefined ? {} : { from: span.from, to: span.to };
  if (query.format === 'csv') {
    const next: Record<string, string> = nextCursor
      ? { link: `<${nextLink(spec.path, query, range, nextCursor)}>; rel="next"` }
      : {};
    return csv(spec.csv(rows, grouped), `${spec.name}-${query.groupBy}-${query.period}.csv`, next);
  }
  return json(200, {
    groupBy: query.groupBy,
    period: query.period,
    ...range,
    timeZone,
    rows,
    ...(nextCursor ? { nextCursor } : {}),
  });
}

function spanOf(query: ReportQuery, today: string) {
  if (query.period !== 'all') return reportRange(query.period, query, today);
  const stray = query.from !== undefined ? 'from' : query.to !== undefined ? 'to' : undefined;
  if (stray)
    throw new ValidationError([
      {
        field: `query.${stray}`,
        message: 'applies to period=day, week or month; period=all is every open order',
      },
    ]);
  return { first: 'all', last: 'all', from: undefined, to: undefined };
}

/** The same query for the next page, with the range made explicit: tomorrow's default would be another range. */
function nextLink(
  path: string,
  query: ReportQuery,
  range: { from?: string; to?: string },
  cursor: string,
): string {
  const params = new URLSearchParams({
    groupBy: query.groupBy,
    period: query.period,
    ...range,
    format: query.format,
    limit: String(query.limit),
    cursor,
  });
  return `${path}?${params.toString()}`;
}
