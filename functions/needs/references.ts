import { customerKey } from '../customers/store';
import { productKey } from '../products/store';
import { batchGet } from '../shared/db/batch-get';
import { domainTableName } from '../shared/db/client';
import type { FieldIssue } from '../shared/http/errors';
import { UnprocessableNeedError } from './errors';

/**
 * Whether the customers and products a need names are the tenant's: BatchGetItems of their keys
 * (100 per request), remembered for the request. A batch of needs loads every id its items name
 * at once, so a hundred needs of one customer cost one read, not a hundred.
 */
export class TenantReferences {
  private readonly known = new Map<string, boolean>();
  private readonly tenantId: string;

  constructor(tenantId: string) {
    this.tenantId = tenantId;
  }

  /** Reads whichever of these ids are not known yet. */
  async load(ids: { customerIds: readonly string[]; productIds: readonly string[] }): Promise<void> {
    const wanted = new Map<string, { pk: string; sk: string }>();
    for (const key of [
      ...ids.customerIds.map((id) => customerKey(this.tenantId, id)),
      ...ids.productIds.map((id) => productKey(this.tenantId, id)),
    ])
      if (!this.known.has(key.pk)) wanted.set(key.pk, key);
    const keys = [...wanted.values()];
    for (let start = 0; start < keys.length; start += 100) {
      const chunk = keys.slice(start, start + 100);
      const found = await batchGet(domainTableName(), chunk, { expression: 'pk' });
      const present = new Set(found.map((item) => item.pk as string));
      for (const key of chunk) this.known.set(key.pk, present.has(key.pk));
    }
  }

  /**
   * 422 naming each field whose customer or product the tenant does not have (`<prefix>.customerId`,
   * `<prefix>.productIds.2`); products are checked only for the ids given.
   */
  async assertExist(
    need: { customerId?: string; productIds?: readonly string[] },
    prefix: string,
  ): Promise<void> {
    const customerIds = need.customerId === undefined ? [] : [need.customerId];
    const productIds = need.productIds ?? [];
    await this.load({ customerIds, productIds });
    const issues: FieldIssue[] = [];
    if (need.customerId !== undefined && !this.known.get(customerKey(this.tenantId, need.customerId).pk))
      issues.push({ field: `${prefix}.customerId`, message: `no customer '${need.customerId}'` });
    productIds.forEach((id, i) => {
      if (!this.known.get(productKey(this.tenantId, id).pk))
        issues.push({ field: `${prefix}.productIds.${i}`, message: `no product '${id}'` });
    });
    if (issues.length === 0) return;
    const customerMissing = issues[0]?.field.endsWith('.customerId');
    throw new UnprocessableNeedError(
      customerMissing ? 'unknown-customer' : 'unknown-product',
      customerMissing ? 'The customer does not exist' : 'A product does not exist',
      issues,
    );
  }
}
