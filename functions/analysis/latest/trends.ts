import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { RESULT } from '../runs/keys';
import { getNeedTrends } from './operations';
import { readLatestResult } from './read-latest';
import { trendsView } from './views';

export const handler = httpHandler(getNeedTrends, async ({ principal, query }) =>
  json(200, trendsView(await readLatestResult(principal.tenantId, 'trends', RESULT.trends), query)),
);
