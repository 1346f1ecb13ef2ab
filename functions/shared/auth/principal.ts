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
import { grantOfScopeClaim } from './machine-scopes';
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
  if (isMachineToken(claims)) return machinePrincipal(claims);
  const tokenUse = expectedTokenUse();
  if (claims.token_use !== tokenUse)
    throw new UnauthorizedError(`The API takes ${tokenUse === 'id' ? 'ID' : 'access'} tokens only.`);
  const tenantId = tenantOf(claims);
  const userId = claims.sub;
  if (typeof userId !== 'string' || userId.length === 0)
    throw new UnauthorizedError('The token carries no subject.');
  const partnerId = partnerOf(claims);
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

type Claims = Record<string, unknown>;

/** Cognito's app client ids: word characters (and `+`), at most 128. */
const CLIENT_ID_PATTERN = /^[\w+]{1,128}$/;

/**
 * An OAuth 2.0 client-credentials token: an access token naming its client and no user. A
 * person's access token always carries `username`, so it is never taken for a machine's and still
 * meets the `token_use` check above.
 */
function isMachineToken(claims: Claims): boolean {
  return claims.token_use === 'access' && claims.client_id !== undefined && claims.username === undefined;
}

/**
 * A machine client (docs/security.md, "Machine clients"). Its access token is taken whatever
 * ORDERLY_TOKEN_USE says: machines have no ID token. The tenant and partner are claims the
 * pre-token-generation trigger (AWS) or the twin's token endpoint adds from the client's registry
 * item, never from the token request; the roles and scopes come from `scope` alone.
 */
function machinePrincipal(claims: Claims): Principal {
  const clientId = claims.client_id;
  if (typeof clientId !== 'string' || !CLIENT_ID_PATTERN.test(clientId))
    throw new UnauthorizedError('The token carries no valid client.');
  const tenantId = tenantOf(claims);
  const partnerId = partnerOf(claims);
  const { roles, scopes } = grantOfScopeClaim(claims[OAUTH_SCOPE_CLAIM]);
  return {
    tenantId,
    userId: `client:${clientId}`,
    roles,
    ...(partnerId === undefined ? {} : { partnerId }),
    ...(scopes.length ? { scopes } : {}),
  };
}

function tenantOf(claims: Claims): string {
  const tenantId = claims[TENANT_CLAIM];
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new UnauthorizedError('The token carries no valid tenant.');
  }
  return tenantId;
}

function partnerOf(claims: Claims): string | undefined {
  const partnerId = claims[PARTNER_CLAIM];
  if (partnerId !== undefined && (typeof partnerId !== 'string' || !PARTNER_ID_PATTERN.test(partnerId)))
    throw new UnauthorizedError('The token carries no valid partner.');
  return partnerId;
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
