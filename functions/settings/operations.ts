import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { FulfilmentPartners, PartnerRoutingInput } from './schemas';

const tag = 'Settings';

/** Which partners serve which orders tells one partner about another's customers: not for partners' eyes. */
export const getFulfilmentPartners = defineOperation({
  operationId: 'getFulfilmentPartners',
  method: 'GET',
  path: '/v1/settings/fulfilment-partners',
  summary: 'Get which fulfilment partner serves which orders',
  description:
    'When fulfilment is requested, an order is assigned to the partner of its customer (`byCustomer`), else of its first line whose product category is routed (`byCategory`), else `defaultPartnerId`; a fulfilment user sees and reports on the orders of its own partner only. Orders not yet assigned belong to the default partner. A tenant that never saved this gets `{"defaultPartnerId":"in-house","byCategory":{},"byCustomer":{}}` with version 0 (ETag `"0"`).',
  tag,
  auth: { roles: ['admin', 'finance'] },
  responses: {
    200: { description: 'The routing in force; ETag carries the version', schema: FulfilmentPartners },
    ...pick(401, 403),
  },
});

export const putFulfilmentPartners = defineOperation({
  operationId: 'putFulfilmentPartners',
  method: 'PUT',
  path: '/v1/settings/fulfilment-partners',
  summary:
    'Replace the fulfilment-partner routing (If-Match required; `"0"` while the defaults are in force)',
  description:
    'Applies to orders whose fulfilment is requested from now on; orders already assigned keep their partner. Every changed field is kept in the audit trail (who, when, before and after).',
  tag,
  auth: { roles: ['admin'] },
  body: PartnerRoutingInput,
  requiresIfMatch: true,
  // 1,000 customer routes of 40-character partner ids are about 72 KB of JSON.
  maxBodyBytes: 160 * 1024,
  responses: {
    200: { description: 'The saved routing; ETag carries the new version', schema: FulfilmentPartners },
    ...pick(400, 401, 403, 412, 413, 415, 428),
  },
});
