/**
 * Which fulfilment partner serves which orders of a tenant, as plain data (one setting per
 * tenant, `store.ts`), and the choice made from it when fulfilment is requested.
 */
export interface PartnerRouting {
  /** Serves every order neither map names, and every order not assigned yet. */
  defaultPartnerId: string;
  /** Product category (as on the order's lines, exact) → partner. */
  byCategory: Record<string, string>;
  /** Customer id → partner. */
  byCustomer: Record<string, string>;
}

/** The tenant's own warehouse: every order goes there until an admin routes some elsewhere. */
export const IN_HOUSE_PARTNER = 'in-house';

/** The routing of a tenant that never saved one (version 0). A fresh copy each call. */
export function defaultPartnerRouting(): PartnerRouting {
  return { defaultPartnerId: IN_HOUSE_PARTNER, byCategory: {}, byCustomer: {} };
}

/**
 * The partner an order is assigned to: the customer's own partner, else the partner of the first
 * line (in line order) whose category has one, else the default. Own keys only, so a category
 * named like an Object.prototype member (`constructor`) matches nothing it was not given.
 */
export function partnerFor(
  order: { customerId: string; lines: readonly { category: string }[] },
  routing: PartnerRouting,
): string {
  const mapped = (map: Record<string, string>, key: string) =>
    Object.hasOwn(map, key) ? map[key] : undefined;
  const byCustomer = mapped(routing.byCustomer, order.customerId);
  if (byCustomer !== undefined) return byCustomer;
  for (const line of order.lines) {
    const byCategory = mapped(routing.byCategory, line.category);
    if (byCategory !== undefined) return byCategory;
  }
  return routing.defaultPartnerId;
}
