import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { RESULT } from '../runs/keys';
import { getLatestSegments } from './operations';
import { readLatestResult } from './read-latest';
import { segmentsView } from './views';

export const handler = httpHandler(getLatestSegments, async ({ principal }) =>
  json(200, segmentsView(await readLatestResult(principal.tenantId, 'segments', RESULT.segments))),
);
