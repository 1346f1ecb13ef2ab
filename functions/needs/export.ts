import { httpHandler } from '../shared/http/handler';
import { csv } from '../shared/http/response';
import { needsCsv } from './export-csv';
import { nextLink } from './export-link';
import { listNeeds } from './list-store';
import { exportNeeds } from './operations';

/** Enough Queries for a full part of large needs (a Query returns at most 1 MB), and no more. */
const MAX_READS = 20;

export const handler = httpHandler(exportNeeds, async ({ principal, query }) => {
  const { limit, cursor, ...filter } = query;
  const page = await listNeeds(principal.tenantId, filter, { limit, cursor, maxReads: MAX_READS });
  return csv(needsCsv(page.items), 'needs.csv', nextLink(query, page.nextCursor));
});
