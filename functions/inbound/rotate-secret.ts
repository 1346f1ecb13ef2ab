import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { secretOverlapSeconds } from '../webhooks/endpoints/endpoint-secrets';
import { rotateInboundSourceSecret } from './operations';
import { rotateSourceSecret } from './store';

export const handler = httpHandler(rotateInboundSourceSecret, async ({ principal, params }) => {
  const now = new Date();
  const rotated = await rotateSourceSecret(principal.tenantId, params.sourceId, now, secretOverlapSeconds());
  return json(200, { ...rotated.source, secret: rotated.secret });
});
