import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { customerRecommendations } from './customer-recommendations';
import { getCustomerRecommendations } from './operations';

export const handler = httpHandler(getCustomerRecommendations, async ({ principal, params }) =>
  json(200, await customerRecommendations(principal.tenantId, params.customerId)),
);
