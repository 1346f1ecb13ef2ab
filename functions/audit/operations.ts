import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { AuditPage, AuditQuery } from './schemas';

export const listAudit = defineOperation({
  operationId: 'listAudit',
  method: 'GET',
  path: '/v1/audit',
  summary: 'The audit trail of sensitive changes, newest first',
  description:
    'Every change of commercial terms (a product’s price, category and `active`; a customer’s credit limit), of the approval rules and of the fulfilment partner settings, one record per field: who, when, before and after, and the request. Records are written in the same transaction as the change, are never editable through the API, and are kept for the deployment’s retention (`AUDIT_RETENTION_DAYS`, seven years by default). One Query per page: by resource, by actor, or the whole tenant; `resource` and `actor` together read the resource’s records and keep the actor’s, so a page may hold fewer than `limit`.',
  tag: 'Audit',
  auth: { roles: ['admin'] },
  query: AuditQuery,
  responses: { 200: { description: 'One page', schema: AuditPage }, ...pick(400, 401, 403) },
});
