import { phoneE164 } from './phone';
import type { Customer, CustomerPatch } from './schemas';

/**
 * `phoneE164` follows `phone` and the address's country. A patch that changes either gets the
 * recomputed value added (`null`: remove it, the phone no longer reads as a number); what the
 * patch leaves alone comes from the current customer, read only when needed. The update's
 * If-Match guard makes that read the version being changed: if the customer changed since,
 * the update fails with 412 and nothing derived from the stale read is written.
 */
export async function withDerivedPhone(
  patch: CustomerPatch,
  current: () => Promise<Pick<Customer, 'phone' | 'address'>>,
): Promise<CustomerPatch> {
  if (patch.phone === undefined && patch.address === undefined) return patch;
  if (patch.phone === null) return { ...patch, phoneE164: null };
  const before = patch.phone === undefined || patch.address === undefined ? await current() : undefined;
  const phone = patch.phone ?? before?.phone;
  const country = patch.address === undefined ? before?.address?.country : patch.address?.country;
  const e164 = phone === undefined ? undefined : phoneE164(phone, country);
  return { ...patch, phoneE164: e164 ?? null };
}
