import { phoneE164 } from './phone';
import { type Customer, type CustomerPatch, contactsWithE164 } from './schemas';

/**
 * `phoneE164` follows `phone` and the address's country, and each contact's `phoneE164` follows
 * its phone and that country too. A patch that changes any of these gets the recomputed values
 * added (`phoneE164: null` removes it: the phone no longer reads as a number; a changed address
 * rewrites the contacts with their numbers read in the new country); what the patch leaves alone
 * comes from the current customer, read only when needed. The update's If-Match guard makes that
 * read the version being changed: if the customer changed since, the update fails with 412 and
 * nothing derived from the stale read is written.
 */
export async function withDerivedPhone(
  patch: CustomerPatch,
  current: () => Promise<Pick<Customer, 'phone' | 'address' | 'contacts'>>,
): Promise<CustomerPatch> {
  const phoneChanges = patch.phone !== undefined || patch.address !== undefined;
  const contactsChange = patch.contacts !== undefined || patch.address !== undefined;
  if (!phoneChanges && !contactsChange) return patch;
  const needsCountry =
    patch.address === undefined &&
    ((phoneChanges && patch.phone !== null) || (contactsChange && patch.contacts !== null));
  const needsCurrent =
    needsCountry ||
    (phoneChanges && patch.phone === undefined) ||
    (contactsChange && patch.contacts === undefined);
  const before = needsCurrent ? await current() : undefined;
  const country = patch.address === undefined ? before?.address?.country : patch.address?.country;
  const derived: CustomerPatch = { ...patch };
  if (phoneChanges) {
    const phone = patch.phone === undefined ? before?.phone : (patch.phone ?? undefined);
    derived.phoneE164 = (phone === undefined ? undefined : phoneE164(phone, country)) ?? null;
  }
  if (contactsChange) {
    const contacts = patch.contacts === undefined ? before?.contacts : patch.contacts;
    if (contacts) derived.contacts = contactsWithE164(contacts, country);
  }
  return derived;
}
