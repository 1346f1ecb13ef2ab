import { NotFoundError } from '../../shared/http/errors';
import { mostTelling, purchaseHistory } from './history';
import {
  customerSegment,
  latestRecommendationRun,
  MAX_BATCH_KEYS,
  modelParts,
  productSummaries,
  recentOrders,
  segmentOpenNeeds,
} from './reads';
import { recommendProducts } from './recommend';
import type { CustomerRecommendations } from './schemas';

export const PRODUCTS_SHOWN = 10;
/** Ranked beyond what is shown, so that inactive or vanished products can be dropped and still fill it. */
const RANKED = 2 * PRODUCTS_SHOWN;

export const NO_RUN_NOTE =
  'No analysis run has produced recommendations yet: POST /v1/analysis/runs runs one now (or wait for the scheduled run).';
export const NO_ORDERS_NOTE =
  'The customer has no orders yet: these are the products most ordered by the tenant’s customers.';

/**
 * GET /v1/customers/{id}/recommendations, in four rounds of bounded reads: the customer (404 when
 * the tenant has none of that id) beside the latest run's pointer (GetItems); its latest orders
 * (one Query) beside its segment's open needs (GetItem); the neighbour lists of what it bought
 * with the popular list (one BatchGetItem); the recommended products' names (one BatchGetItem).
 * Open needs come from the run that assigned the customer's segment, products from the latest run
 * that produced recommendations: a kind that failed in a later run keeps its previous result served.
 */
export async function customerRecommendations(
  tenantId: string,
  customerId: string,
): Promise<CustomerRecommendations> {
  const [customer, latest] = await Promise.all([
    customerSegment(tenantId, customerId),
    latestRecommendationRun(tenantId),
  ]);
  if (!customer) throw new NotFoundError('Customer', customerId);
  const { segment } = customer;
  const openNeeds = segment ? segmentOpenNeeds(tenantId, segment.runId, segment.id) : Promise.resolve([]);
  const shownSegment = segment ? { id: segment.id, label: segment.label } : null;
  if (!latest)
    return {
      runId: null,
      generatedAt: null,
      products: [],
      openNeeds: await openNeeds,
      segment: shownSegment,
      note: NO_RUN_NOTE,
    };

  const history = purchaseHistory(await recentOrders(tenantId, customerId));
  // One BatchGetItem: the popular list and the neighbours of the customer's most telling products.
  const basis = mostTelling(history, MAX_BATCH_KEYS - 1);
  const model = await modelParts(
    tenantId,
    latest.runId,
    basis.map((h) => h.item),
  );
  const ranked = recommendProducts(model, history, { limit: RANKED });
  const [products, needs] = await Promise.all([
    productSummaries(
      tenantId,
      ranked.map((r) => r.item),
    ),
    openNeeds,
  ]);
  return {
    runId: latest.runId,
    generatedAt: latest.finishedAt,
    products: ranked
      .flatMap((r) => {
        const product = products.get(r.item);
        return product?.active
          ? [{ productId: r.item, sku: product.sku, name: product.name, score: r.score, because: r.because }]
          : [];
      })
      .slice(0, PRODUCTS_SHOWN),
    openNeeds: needs,
    segment: shownSegment,
    ...(history.length === 0 ? { note: NO_ORDERS_NOTE } : {}),
  };
}
