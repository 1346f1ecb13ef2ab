import {
  GROUPS_CLAIM,
  OAUTH_SCOPE_CLAIM,
  PARTNER_CLAIM,
  SCOPES_CLAIM,
  TENANT_CLAIM,
  type TokenUse,
} from '../../functions/shared/auth/claims';
import type { Principal } from '../../functions/shared/auth/principal';

/**
 * The claims Cognito puts in a token for a principal, in the shape the configured token type has:
 * an ID token carries the partner and scopes as custom attributes, an access token its scopes in
 * `scope` (the tenant, groups and partner there come from the pre-token-generation trigger).
 * The twin's development tokens and the tests' direct invocations both build claims here.
 */
export function claimsOf(principal: Principal, tokenUse: TokenUse = 'id'): Record<string, unknown> {
  const scopes = principal.scopes?.length ? principal.scopes.join(' ') : undefined;
  return {
    sub: principal.userId,
    token_use: tokenUse,
    [TENANT_CLAIM]: principal.tenantId,
    [GROUPS_CLAIM]: principal.roles,
    ...(principal.partnerId ? { [PARTNER_CLAIM]: principal.partnerId } : {}),
    ...(scopes ? { [tokenUse === 'id' ? SCOPES_CLAIM : OAUTH_SCOPE_CLAIM]: scopes } : {}),
  };
}
