import { pick } from '../../shared/http/common-responses';
import { defineOperation } from '../../shared/http/operation';
import { CustomerRecommendations, RecommendationsParams } from './schemas';

export const getCustomerRecommendations = defineOperation({
  operationId: 'getCustomerRecommendations',
  method: 'GET',
  path: '/v1/customers/{customerId}/recommendations',
  summary: 'What to offer a customer next: products bought with theirs, and their segment’s open needs',
  description:
    'From the latest analysis run that produced recommendations. Products: those most often bought together with what the customer bought (their 100 latest orders; co-occurrence normalised by Jaccard, so best-sellers do not dominate), leaving out what they buy regularly (in 2 orders or more) and inactive products; a customer without orders, or whose products nobody else buys, gets the tenant’s most ordered products they have not bought. Open needs: those of the customer’s segment that no order answered yet. Before any run: `runId` null, empty lists and a `note`.',
  tag: 'Analysis',
  auth: { roles: ['admin', 'sales', 'analyst'] },
  params: RecommendationsParams,
  responses: {
    200: { description: 'The recommendations', schema: CustomerRecommendations },
    ...pick(400, 401, 403, 404),
  },
});
