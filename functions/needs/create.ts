import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { createNeed as create } from './create-need';
import { createNeed } from './operations';
import type { Need } from './schemas';
import { getNeed } from './store';

const created = (need: Need) =>
  json(201, need, { etag: etagOf(need.version), location: `/v1/needs/${need.id}` });

export const handler = httpHandler(
  createNeed,
  async ({ principal, body, claim }) => created(await create(principal, body, new Date(), { claim })),
  { replay: async ({ principal }, record) => created(await getNeed(principal.tenantId, record.resourceId)) },
);
