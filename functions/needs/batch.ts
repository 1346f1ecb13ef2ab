import { runBatch } from '../shared/http/batch';
import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { createOrFind, referencedIds } from './batch-items';
import { createNeedsBatch } from './operations';
import { TenantReferences } from './references';
import { NeedCreate } from './schemas';

export const handler = httpHandler(createNeedsBatch, async ({ principal, body, idempotencyKey }) => {
  const now = new Date();
  const references = new TenantReferences(principal.tenantId);
  await references.load(referencedIds(body.items));
  const request = { op: createNeedsBatch, principal, idempotencyKey, now };
  const result = await runBatch(request, body.items, NeedCreate, (item, index, claim) =>
    createOrFind(principal, item, index, { now, claim, references }),
  );
  return json(200, result);
});
