import * as z from 'zod';
import { ListQuery, pageOf } from '../shared/schemas';
import { singleLineText } from '../shared/text';

export const AuditQuery = ListQuery.extend({
  resource: singleLineText(1, 200)
    .describe(
      'Only this resource’s changes, as `<kind>/<id>`: `product/01J…`, `customer/01J…`, `approval-rules/current`',
    )
    .optional(),
  actor: singleLineText(1, 128).describe('Only changes made by this user id (the token’s `sub`)').optional(),
  from: z.iso.datetime().describe('Inclusive, ISO 8601 UTC').optional(),
  to: z.iso.datetime().describe('Exclusive, ISO 8601 UTC').optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditRecord = z
  .strictObject({
    id: z.string().describe('Sorts by time'),
    at: z.iso.datetime(),
    actor: z.string().describe('Who made the change (user id)'),
    resource: z.string().describe('`<kind>/<id>`'),
    field: z.string().describe('The field that changed'),
    before: z.unknown().describe('The value before; null when it had none'),
    after: z.unknown().describe('The value after; null when it has none'),
    requestId: z.string().describe('The API request that made the change'),
    operation: z.string().describe('The operation that made it, e.g. updateProduct'),
  })
  .describe('One sensitive change: append-only, written in the same transaction as the change');
export type AuditRecord = z.infer<typeof AuditRecord>;

export const AuditPage = pageOf(AuditRecord);
