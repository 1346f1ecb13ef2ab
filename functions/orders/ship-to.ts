import type { Customer } from '../customers/schemas';
import type { ShipTo } from './schemas';

/**
 * Where an order goes: the address given with it, else the customer's address labelled
 * `shipping`, else its primary address; undefined when the customer has none. Taken when the
 * order is created and kept on it, so the warehouse ships where the customer asked at the time
 * even if the customer's record changes later (as an invoice keeps the address it was made out to).
 */
export function shipToFor(
  customer: Pick<Customer, 'address' | 'addresses'>,
  given?: ShipTo,
): ShipTo | undefined {
  if (given) return given;
  const shipping = customer.addresses?.find((a) => a.label === 'shipping');
  if (shipping) {
    const { label: _label, ...address } = shipping;
    return address;
  }
  return customer.address;
}
