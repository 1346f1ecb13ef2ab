import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { importHistory } from './history-import';
import { importOrderHistory } from './operations';

export const handler = httpHandler(importOrderHistory, async ({ principal, body, idempotencyKey }) => {
  const request = { op: importOrderHistory, principal, idempotencyKey, now: new Date() };
  return json(200, await importHistory(request, body.items));
});
