import * as z from 'zod';
import { Ulid } from '../shared/ids';
import { Money } from '../shared/money';
import { pageOf, Timestamps } from '../shared/schemas';

export const Address = z.strictObject({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().max(20).optional(),
  region: z.string().trim().max(100).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. DE'),
});

const fields = {
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  phone: z.string().regex(/^\+?[0-9][0-9 ()-]{4,29}$/, 'must be a phone number, e.g. +44 20 7946 0958'),
  address: Address,
  creditLimit: Money.describe('Orders that would take the open balance above this are refused'),
  tags: z.array(z.string().trim().min(1).max(40)).max(20),
  externalRef: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe('The id of this customer in another system (ERP, shop)'),
};

export const CustomerCreate = z.strictObject({
  name: fields.name,
  email: fields.email.optional(),
  phone: fields.phone.optional(),
  address: fields.address.optional(),
  creditLimit: fields.creditLimit.optional(),
  tags: fields.tags.optional(),
  externalRef: fields.externalRef.optional(),
});
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
export type CustomerPatch = z.infer<typeof CustomerPatch>;

export const Customer = CustomerCreate.extend({ id: Ulid, ...Timestamps });
export type Customer = z.infer<typeof Customer>;

export const CustomerPage = pageOf(Customer);

export const CustomerIdParams = z.strictObject({ customerId: Ulid });
