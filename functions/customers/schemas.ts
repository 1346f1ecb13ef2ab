import * as z from 'zod';
import { Ulid } from '../shared/ids';
import { Money } from '../shared/money';
import { ListQuery, pageOf, Timestamps } from '../shared/schemas';
import { singleLineText } from '../shared/text';
import { countryCode } from './country';
import { tagKey } from './keys';
import { phoneE164, phoneProblem } from './phone';

/** How a country is stored and returned. */
const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. DE');

/** A country as people write it; the store gets the upper-case code (`country.ts`). */
export const CountryInput = singleLineText(1, 100)
  .transform((value, ctx) => {
    const code = countryCode(value);
    if (code !== undefined) return code;
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: 'must be an ISO 3166-1 alpha-2 code (e.g. DE) or a country’s English name (e.g. Germany)',
    });
    return z.NEVER;
  })
  .describe(
    'An ISO 3166-1 alpha-2 code in any case (`de`) or the English name (`Germany`, `United Kingdom`, `USA`); stored and returned as the upper-case code',
  );

// Issue 9 (helper D, import): line1 and city may be absent — exports often know only a customer's
// country (the Online Retail data does), and a made-up street would be worse than none.
const addressLines = {
  line1: singleLineText(1, 200).optional(),
  line2: singleLineText(0, 200).optional(),
  city: singleLineText(1, 100).optional(),
  postalCode: singleLineText(0, 20).optional(),
  region: singleLineText(0, 100).optional(),
};

export const Address = z.strictObject({ ...addressLines, country: CountryInput });
/** The address as stored and returned: the country is always its code. */
export const StoredAddress = z.strictObject({ ...addressLines, country: CountryCode });

export const ADDRESS_LABELS = ['billing', 'shipping', 'other'] as const;
const label = z.enum(ADDRESS_LABELS).describe('What the address is for');
/** More addresses beside the primary `address` (which the country filter and phone reading use). */
export const LabelledAddress = Address.extend({ label });
const StoredLabelledAddress = StoredAddress.extend({ label });

const Phone = singleLineText(1, 40)
  .superRefine((value, ctx) => {
    const problem = phoneProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('As people write it (`+44 20 7946 0958`, `(171) 555-2282`, `26.47.1555`); kept as written');

const PhoneE164 = z
  .string()
  .regex(/^\+[1-9]\d{1,14}$/)
  .meta({
    readOnly: true,
    description:
      'The phone in E.164 form, derived by the server: read in the address’s country unless the phone starts with +; absent when it cannot be read as a possible number',
  });

/** A person at the customer: the contact names, roles and numbers real CRM exports carry. */
const contactFields = {
  name: singleLineText(1, 200),
  role: singleLineText(1, 100).optional().describe('What they do for the customer: Buyer, Accounts payable…'),
  email: z.email().max(254).optional(),
  phone: Phone.optional(),
};
export const Contact = z.strictObject(contactFields);
export type Contact = z.infer<typeof Contact>;
const StoredContact = z.strictObject({ ...contactFields, phoneE164: PhoneE164.optional() });
export type StoredContact = z.infer<typeof StoredContact>;

export const MAX_CONTACTS = 20;
export const MAX_ADDRESSES = 10;
export const MAX_TAGS = 20;
export const MAX_SEGMENTS = 20;

/** A list of labels holds each once, whatever its case and Unicode form (`tagKey`): `VIP` and `vip` are one. */
function distinct(what: string) {
  return (labels: readonly string[], ctx: z.core.$RefinementCtx<readonly string[]>) => {
    const seen = new Map<string, number>();
    labels.forEach((value, i) => {
      const key = tagKey(value);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `repeats ${what} ${first} (case does not matter)`,
        });
    });
  };
}

const fields = {
  name: singleLineText(1, 200),
  email: z.email().max(254),
  phone: Phone,
  address: Address.describe(
    'The primary address: `GET /v1/customers?country=` finds the customer by its country',
  ),
  contacts: z
    .array(Contact)
    .max(MAX_CONTACTS)
    .describe('The people to talk to, each phone read like the customer’s'),
  addresses: z
    .array(LabelledAddress)
    .max(MAX_ADDRESSES)
    .describe('Billing, shipping and other addresses beside the primary one'),
  creditLimit: Money.describe('Orders that would take the open balance above this are refused'),
  tags: z
    .array(singleLineText(1, 40))
    .max(MAX_TAGS)
    .superRefine(distinct('tag'))
    .describe('Free labels; `GET /v1/customers?tag=` finds the customers with one (case does not matter)'),
  segments: z
    .array(singleLineText(1, 60))
    .max(MAX_SEGMENTS)
    .superRefine(distinct('segment'))
    .describe('Segment labels from the sales side (e.g. `Enterprise`, `Retail`, `Deal size: Large`)'),
  externalRef: singleLineText(1, 100).describe('The id of this customer in another system (ERP, shop)'),
};

/**
 * Adds `phoneE164` when the phone reads as a possible number (in the address's country), and so
 * for each contact's phone.
 */
function withPhoneE164<
  T extends { phone?: string; address?: { country: string }; contacts?: readonly Contact[] },
>(customer: T): T & { phoneE164?: string; contacts?: StoredContact[] } {
  const country = customer.address?.country;
  const e164 = customer.phone === undefined ? undefined : phoneE164(customer.phone, country);
  return {
    ...customer,
    ...(e164 === undefined ? {} : { phoneE164: e164 }),
    ...(customer.contacts ? { contacts: contactsWithE164(customer.contacts, country) } : {}),
  };
}

/** Each contact with the E.164 form of its phone, read in `country`, when it reads as a possible number. */
export function contactsWithE164(contacts: readonly Contact[], country: string | undefined): StoredContact[] {
  return contacts.map(({ phoneE164: _derived, ...contact }: StoredContact) => {
    const e164 = contact.phone === undefined ? undefined : phoneE164(contact.phone, country);
    return e164 === undefined ? contact : { ...contact, phoneE164: e164 };
  });
}

export const CustomerCreate = z
  .strictObject({
    name: fields.name,
    email: fields.email.optional(),
    phone: fields.phone.optional(),
    address: fields.address.optional(),
    contacts: fields.contacts.optional(),
    addresses: fields.addresses.optional(),
    creditLimit: fields.creditLimit.optional(),
    tags: fields.tags.optional(),
    segments: fields.segments.optional(),
    externalRef: fields.externalRef.optional(),
  })
  .transform(withPhoneE164);
export type CustomerCreate = z.infer<typeof CustomerCreate>;

/** JSON merge patch: a field present replaces, `null` removes an optional field, absent keeps. */
export const CustomerPatch = z
  .strictObject({
    name: fields.name.optional(),
    email: fields.email.nullable().optional(),
    phone: fields.phone.nullable().optional(),
    address: fields.address.nullable().optional(),
    contacts: fields.contacts.nullable().optional(),
    addresses: fields.addresses.nullable().optional(),
    creditLimit: fields.creditLimit.nullable().optional(),
    tags: fields.tags.nullable().optional(),
    segments: fields.segments.nullable().optional(),
    externalRef: fields.externalRef.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');
/**
 * The patch as the store applies it. `phoneE164` (the customer's and each contact's) is never
 * accepted from a client (the strict schemas refuse it); the update handler derives it
 * (`derived-phone.ts`).
 */
export type CustomerPatch = Omit<z.infer<typeof CustomerPatch>, 'contacts'> & {
  phoneE164?: string | null;
  contacts?: StoredContact[] | null;
};

/**
 * What the latest analysis found of the customer (issue 10, helper D1): set by the run (an update
 * that leaves the customer's version alone: it is no user's change), shown, never accepted —
 * CustomerCreate and CustomerPatch refuse it, and a patch never touches it.
 */
export const CustomerAnalysis = z
  .strictObject({
    segment: z
      .strictObject({
        id: z.number().int().describe('The segment within its run (`GET /v1/analysis/segments/latest`)'),
        label: z.string().describe('Its short description, e.g. "recent, frequent, high value"'),
        runId: Ulid.describe('The analysis run that assigned it'),
        assignedAt: z.iso.datetime(),
      })
      .optional(),
  })
  .meta({ readOnly: true, description: 'Set by the analysis runs; read-only' });

export const Customer = z.strictObject({
  name: fields.name,
  email: fields.email.optional(),
  phone: fields.phone.optional(),
  phoneE164: PhoneE164.optional(),
  address: StoredAddress.optional(),
  contacts: z.array(StoredContact).optional(),
  addresses: z.array(StoredLabelledAddress).optional(),
  creditLimit: fields.creditLimit.optional(),
  tags: fields.tags.optional(),
  segments: fields.segments.optional(),
  externalRef: fields.externalRef.optional(),
  analysis: CustomerAnalysis.optional(),
  id: Ulid,
  ...Timestamps,
});
export type Customer = z.infer<typeof Customer>;

export const CustomerPage = pageOf(Customer);

/** `GET /v1/customers`: all, or by the primary address's country, or by a tag (one at a time). */
export const CustomerListQuery = ListQuery.extend({
  country: CountryInput.optional().describe(
    'Only customers whose primary address is in this country (code or English name)',
  ),
  tag: singleLineText(1, 40).optional().describe('Only customers with this tag (case does not matter)'),
}).refine((query) => query.country === undefined || query.tag === undefined, {
  path: ['tag'],
  message: 'filter by country or by tag, not both',
});

export const CustomerIdParams = z.strictObject({ customerId: Ulid });
