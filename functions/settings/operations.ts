import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { FulfilmentPartners, PartnerRoutingInput, TenantSettings, TenantSettingsInput } from './schemas';

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

/** The time zone is no secret: whoever reads reports may see which zone cuts their periods. */
export const getTenantSettings = defineOperation({
  operationId: 'getTenantSettings',
  method: 'GET',
  path: '/v1/settings/tenant',
  summary: 'Get the tenant’s settings: the time zone reports cut their periods in',
  description:
    'A tenant that never saved its settings gets `{"timeZone":"UTC"}` with version 0 (ETag `"0"`). `timeZoneHistory` lists every zone the tenant had and from when each applies: a need or an order is counted in the zone in force at its last change.',
  tag,
  auth: { roles: ['admin', 'finance', 'sales', 'analyst'] },
  responses: {
    200: { description: 'The settings in force; ETag carries the version', schema: TenantSettings },
    ...pick(401, 403),
  },
});

export const putTenantSettings = defineOperation({
  operationId: 'putTenantSettings',
  method: 'PUT',
  path: '/v1/settings/tenant',
  summary: 'Replace the tenant’s settings (If-Match required; `"0"` while the defaults are in force)',
  description:
    'A new time zone applies to needs and orders changed from a moment after the save (twice the time the aggregator caches the setting, two minutes) on: those already counted stay in the periods they were counted in until they change again, and then move to the periods of the new zone. Every change is kept in the audit trail.',
  tag,
  auth: { roles: ['admin'] },
  body: TenantSettingsInput,
  requiresIfMatch: true,
  responses: {
    200: { description: 'The saved settings; ETag carries the new version', schema: TenantSettings },
    ...pick(400, 401, 403, 409, 412, 413, 415, 428),
  },
});
