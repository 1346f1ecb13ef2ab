import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { UnauthorizedError } from '../http/errors';
import {
  expectedTokenUse,
  GROUPS_CLAIM,
  OAUTH_SCOPE_CLAIM,
  PARTNER_CLAIM,
  PARTNER_ID_PATTERN,
  SCOPES_CLAIM,
  TENANT_CLAIM,
  TENANT_ID_PATTERN,
} from './claims';
import { isRole, type Role } from './roles';

/** Who is calling, as verified by the JWT authorizer. The tenant comes from here and nowhere else. */
export interface Principal {
  tenantId: string;
  userId: string;
  roles: Role[];
  /** The fulfilment partner the caller works for: it then reads and reports on that partner's orders only. */
  partnerId?: string;
  /** What an `integration` principal may do (`shared/auth/permissions.ts`); other roles need none. */
  scopes?: readonly string[];
}

/**
 * Reads the principal from `requestContext.authorizer.jwt.claims` (the groups claim: `parseGroups`).
 * Only the token type the deployment takes gets in (`token_use`): Cognito signs ID and access tokens
 * with one key for one client, so the authorizer alone would take both.
 */
export function principalFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Principal {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims) throw new UnauthorizedError();
  const tokenUse = expectedTokenUse();
  if (claims.token_use !== tokenUse)
    throw new UnauthorizedError(`The API takes ${tokenUse === 'id' ? 'ID' : 'access'} tokens only.`);
  const tenantId = claims[TENANT_CLAIM];
  const userId = claims.sub;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new UnauthorizedError('The token carries no valid tenant.');
  }
  if (typeof userId !== 'string' || userId.length === 0)
    throw new UnauthorizedError('The token carries no subject.');
  const partnerId = claims[PARTNER_CLAIM];
  if (partnerId !== undefined && (typeof partnerId !== 'string' || !PARTNER_ID_PATTERN.test(partnerId)))
    throw new UnauthorizedError('The token carries no valid partner.');
  const roles = parseGroups(claims[GROUPS_CLAIM]).filter(isRole);
  const scopes = [...parseScopes(claims[SCOPES_CLAIM]), ...parseScopes(claims[OAUTH_SCOPE_CLAIM])];
  return {
    tenantId,
    userId,
    roles,
    ...(partnerId === undefined ? {} : { partnerId }),
    ...(scopes.length ? { scopes } : {}),
  };
}

/**
 * The groups of `cognito:groups`. Cognito puts a JSON array in the token; the HTTP API JWT
 * authorizer hands array claims to Lambda flattened to one string, the elements joined by spaces
 * inside brackets: `["admin","sales"]` arrives as `[admin sales]`. Cognito group names cannot
 * contain whitespace but can contain commas, so:
 * - an array is taken as it is, one group per element, never split;
 * - a bracketed string is split on whitespace only;
 * - any other string is one group.
 * A group named `analyst,admin` is therefore one group that is no role, never `analyst` plus `admin`.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string');
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']'))
    return trimmed.slice(1, -1).split(/\s+/).filter(Boolean);
  return trimmed ? [trimmed] : [];
}

/** OAuth scopes are one space-separated string (RFC 6749 §3.3). */
function parseScopes(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}
