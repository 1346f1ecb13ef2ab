import { createNeed } from '../needs/create-need';
import { getNeed } from '../needs/store';
import { etagOf, json } from '../shared/http/response';
import { inboundHandler } from './handler';
import { needFromMessage, sourcePrincipal } from './need-message';
import { receiveNeed } from './operations';

const created = (need: { id: string; version: number }) =>
  json(201, need, { etag: etagOf(need.version), location: `/v1/needs/${need.id}` });

export const handler = inboundHandler(receiveNeed, {
  kind: 'needs',
  principalOf: sourcePrincipal,
  run: async ({ principal, source, body, now }, claim) =>
    created(
      await createNeed(principal, needFromMessage(source, body), now, { claim, fieldPrefix: 'body.data' }),
    ),
  replay: async ({ principal }, record) => created(await getNeed(principal.tenantId, record.resourceId)),
});
