import * as z from 'zod';
import { Ulid } from '../shared/ids';
import { Money } from '../shared/money';
import { pageOf, Timestamps } from '../shared/schemas';
import { singleLineText } from '../shared/text';
import { countryCode } from './country';
import { phoneE164, phoneProblem } from './phone';

/** How a country is stored and returned. */
const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. DE');

/** A country as people write it; the store gets the upper-case code (`country.ts`). */
const CountryInput = singleLineText(1, 100)
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

const addressLines = {
  line1: singleLineText(1, 200),
  line2: singleLineText(0, 200).optional(),
  city: singleLineText(1, 100),
  postalCode: singleLineText(0, 20).optional(),
  region: singleLineText(0, 100).optional(),
};

export const Address = z.strictObject({ ...addressLines, country: CountryInput });
/** The address as stored and returned: the country is always its code. */
export const StoredAddress = z.strictObject({ ...addressLines, country: CountryCode });

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

const fields = {
  name: singleLineText(1, 200),
  email: z.email().max(254),
  phone: Phone,
  address: Address,
  creditLimit: Money.describe('Orders that would take the open balance above this are refused'),
  tags: z.array(singleLineText(1, 40)).max(20),
  externalRef: singleLineText(1, 100).describe('The id of this customer in another system (ERP, shop)'),
};

/** Adds `phoneE164` when the phone reads as a possible number (in the address's country). */
function withPhoneE164<T extends { phone?: string; address?: { country: string } }>(
  customer: T,
): T & { phoneE164?: string } {
  const e164 =
    customer.phone === undefined ? undefined : phoneE164(customer.phone, customer.address?.country);
  return e164 === undefined ? customer : { ...customer, phoneE164: e164 };
}

export const CustomerCreate = z
  .strictObject({
    name: fields.name,
    email: fields.email.optional(),
    phone: fields.phone.optional(),
    address: fields.address.optional(),
    creditLimit: fields.creditLimit.optional(),
    tags: fields.tags.optional(),
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
    creditLimit: fields.creditLimit.nullable().optional(),
    tags: fields.tags.nullable().optional(),
    externalRef: fields.externalRef.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');
/**
 * The patch as the store applies it. `phoneE164` is never accepted from a client (the strict
 * schema refuses it); the update handler derives it (`derived-phone.ts`).
 */
export type CustomerPatch = z.infer<typeof CustomerPatch> & { phoneE164?: string | null };

export const Customer = z.strictObject({
  name: fields.name,
  email: fields.email.optional(),
  phone: fields.phone.optional(),
  phoneE164: PhoneE164.optional(),
  address: StoredAddress.optional(),
  creditLimit: fields.creditLimit.optional(),
  tags: fields.tags.optional(),
  externalRef: fields.externalRef.optional(),
  id: Ulid,
  ...Timestamps,
});
export type Customer = z.infer<typeof Customer>;

export const CustomerPage = pageOf(Customer);

export const CustomerIdParams = z.strictObject({ customerId: Ulid });
