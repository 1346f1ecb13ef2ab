import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { CustomerCreate } from '../functions/customers/schemas';
import { createCustomer } from '../functions/customers/store';
import { ProductCreate } from '../functions/products/schemas';
import { createProduct } from '../functions/products/store';
import { IN_HOUSE_PARTNER, type PartnerRouting } from '../functions/settings/fulfilment-partners';
import { putPartnerRouting } from '../functions/settings/store';
import { documentClient, domainTableName } from '../functions/shared/db/client';
import { tenantKey } from '../functions/shared/db/keys';

export const DEMO_TENANT = 'demo';

/** A few customers and products (from the UK online-retail data in shared/data) to try the API on. */
const customers: CustomerCreate[] = [
  {
    name: 'Hearth & Home Ltd',
    email: 'orders@hearth-home.example',
    address: { line1: '12 Market Street', city: 'York', postalCode: 'YO1 8AA', country: 'GB' },
    creditLimit: { amountMinor: 2_500_000, currency: 'GBP' },
    tags: ['retail', 'north'],
  },
  {
    name: 'Lumière Cadeaux SARL',
    email: 'achats@lumiere-cadeaux.example',
    address: { line1: '8 Rue des Lilas', city: 'Lyon', postalCode: '69003', country: 'FR' },
    creditLimit: { amountMinor: 1_000_000, currency: 'GBP' },
    tags: ['wholesale', 'export'],
  },
  {
    name: 'The Gift Loft',
    email: 'hello@giftloft.example',
    address: { line1: '3 Harbour Row', city: 'Bristol', postalCode: 'BS1 4QA', country: 'GB' },
    tags: ['retail'],
  },
];

const products = [
  {
    sku: '85123A',
    name: 'White hanging heart T-light holder',
    category: 'Home decor',
    price: 255,
    onHand: 400,
  },
  { sku: '71053', name: 'White metal lantern', category: 'Home decor', price: 339, onHand: 120 },
  { sku: '84406B', name: 'Cream Cupid hearts coat hanger', category: 'Home decor', price: 275, onHand: 80 },
  { sku: '22752', name: 'Set 7 babushka nesting boxes', category: 'Gifts', price: 765, onHand: 60 },
  { sku: '21730', name: 'Glass star frosted T-light holder', category: 'Home decor', price: 425, onHand: 0 },
  { sku: '22633', name: 'Hand warmer Union Jack', category: 'Seasonal', price: 185, onHand: 900 },
];

/**
 * Who fulfils the demo's orders: its own warehouse, except that an order with a gift line goes to
 * a gift packer (`npm run -s token -- --role fulfilment --partner gift-packers` sees those).
 */
const partnerRouting: PartnerRouting = {
  defaultPartnerId: IN_HOUSE_PARTNER,
  byCategory: { Gifts: 'gift-packers' },
  byCustomer: {},
};

/** Seeds the demo tenant once; a marker item makes later starts leave the data alone. Returns true when it seeded. */
export async function seedDemoTenant(): Promise<boolean> {
  const now = new Date().toISOString();
  try {
    await documentClient.send(
      new PutCommand({
        TableName: domainTableName(),
        Item: { pk: `${tenantKey(DEMO_TENANT)}#SEED`, sk: 'SEED', seededAt: now },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
  for (const customer of customers) await createCustomer(DEMO_TENANT, CustomerCreate.parse(customer), now);
  for (const p of products) {
    await createProduct(
      DEMO_TENANT,
      ProductCreate.parse({
        sku: p.sku,
        name: p.name,
        category: p.category,
        unitPrice: { amountMinor: p.price, currency: 'GBP' },
        stock: { onHand: p.onHand },
      }),
      now,
    );
  }
  await putPartnerRouting(DEMO_TENANT, partnerRouting, 0, {
    actor: 'seed',
    at: now,
    requestId: 'seed',
    operation: 'seedDemoTenant',
  });
  return true;
}
