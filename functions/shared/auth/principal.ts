import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError } from '../http/errors';
import { GROUPS_CLAIM, TENANT_CLAIM, TENANT_ID_PATTERN } from './claims';
import { isRole, type Role } from './roles';

/** Who is calling, as verified by the JWT authorizer. The tenant comes from here and nowhere else. */
export interface Principal {
  tenantId: string;
  userId: string;
  roles: Role[];
}

/** Reads the principal from `requestContext.authorizer.jwt.claims` (the groups claim: `parseGroups`). */
export function principalFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Principal {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims) throw new UnauthorizedError();
  const tenantId = claims[TENANT_CLAIM];
  const userId = claims.sub;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new UnauthorizedError('The token carries no valid tenant.');
  }
  if (typeof userId !== 'string' || userId.length === 0)
    throw new UnauthorizedError('The token carries no subject.');
  return { tenantId, userId, roles: parseGroups(claims[GROUPS_CLAIM]).filter(isRole) };
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

export function assertAllowed(principal: Principal, allowed: readonly Role[], routeKey: string): void {
  if (!principal.roles.some((role) => allowed.includes(role))) {
    throw new ForbiddenError(`${routeKey} needs one of the roles: ${allowed.join(', ')}.`);
  }
}
