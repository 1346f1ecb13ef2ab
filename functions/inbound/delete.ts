import { httpHandler } from '../shared/http/handler';
import { deleteInboundSource } from './operations';
import { deleteSource } from './store';

export const handler = httpHandler(deleteInboundSource, async ({ principal, params }) => {
  await deleteSource(principal.tenantId, params.sourceId);
  return { status: 204 };
});
