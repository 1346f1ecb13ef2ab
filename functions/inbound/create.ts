import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { createInboundSource } from './operations';
import { createSource } from './store';

export const handler = httpHandler(createInboundSource, async ({ principal, body }) => {
  const { source, secret } = await createSource(principal.tenantId, body, new Date());
  return json(201, { ...source, secret });
});
