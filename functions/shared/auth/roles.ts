/**
 * The roles (docs/design.md §6). In Cognito each is a user-pool group of the same name.
 * `finance` sets commercial terms: prices, categories, whether a product is for sale, credit
 * limits — everything the approval rules read. Sales sells within those terms and cannot move
 * them, so no one role can both loosen the terms and profit from the looser approval.
 */
export const ROLES = [
  'admin',
  'sales',
  'approver',
  'fulfilment',
  'analyst',
  'integration',
  'finance',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who may set commercial terms (a product's price, category and `active`; a customer's credit limit). */
export const TERMS_SETTERS = ['admin', 'finance'] as const satisfies readonly Role[];

/** Roles that never approve an order: a level may not wait on them nor escalate to them. */
export const NON_APPROVING_ROLES: readonly Role[] = ['integration', 'analyst'];

/** Roles an approval level may wait on: every other role. */
export const APPROVING_ROLES: readonly Role[] = ROLES.filter((role) => !NON_APPROVING_ROLES.includes(role));
