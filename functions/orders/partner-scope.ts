import type { Principal } from '../shared/auth/principal';
import type { Role } from '../shared/auth/roles';
import { ForbiddenError } from '../shared/http/errors';

/**
 * Which of the tenant's orders a caller sees and reports on: all of them, or those of the one
 * fulfilment partner the caller works for (`partner-access.ts` applies it to an order).
 */
export type OrderScope = { readonly tenantWide: true } | { readonly partnerId: string };

/** The workflow, the tests' fixtures and every caller not bound to a partner. */
export const TENANT_WIDE: OrderScope = { tenantWide: true };

/** Roles whose work spans the tenant's orders, whichever partner serves them. */
export const TENANT_WIDE_ROLES = [
  'admin',
  'sales',
  'approver',
  'analyst',
  'finance',
] as const satisfies readonly Role[];

/**
 * The order scope of a caller, from the token alone. A partner claim always narrows: whatever
 * the roles, the caller then works for that partner. A fulfilment user without one would
 * otherwise see every partner's orders, so it is refused (403) unless another of its roles sees
 * the whole tenant anyway.
 */
export function orderScopeOf(principal: Principal): OrderScope {
  if (principal.partnerId !== undefined) return { partnerId: principal.partnerId };
  const fulfilmentOnly =
    principal.roles.includes('fulfilment') &&
    !principal.roles.some((role) => (TENANT_WIDE_ROLES as readonly Role[]).includes(role));
  if (fulfilmentOnly)
    throw new ForbiddenError(
      'The caller belongs to no partner: a fulfilment user’s token must name the partner it works for (custom:partner_id).',
    );
  return TENANT_WIDE;
}

/** Whether a partner-bound scope may see an order served by `servingPartnerId`; tenant-wide sees all. */
export function scopeSees(scope: OrderScope, servingPartnerId: string): boolean {
  return 'tenantWide' in scope || scope.partnerId === servingPartnerId;
}
