import { ForbiddenError } from '../http/errors';
import type { Operation, RouteAuth } from '../http/operation';
import type { Principal } from './principal';

/**
 * The one place that decides whether a principal may call an operation with a given body, from
 * what the operation declares (`RouteAuth`): a role the route allows; for a principal whose only
 * allowing role is `integration`, the route's scope; and for each restricted field the request
 * carries, a role allowed to set it. Checks the token's claims only: no DynamoDB request.
 */
export function assertMayCall(principal: Principal, op: Operation): void {
  const auth = routeAuth(op);
  const granting = principal.roles.filter((role) => auth.roles.includes(role));
  if (granting.length === 0)
    throw new ForbiddenError(`${op.method} ${op.path} needs one of the roles: ${auth.roles.join(', ')}.`);
  const scope = scopeOf(op);
  if (granting.every((role) => role === 'integration') && !principal.scopes?.includes(scope))
    throw new ForbiddenError(`${op.method} ${op.path} needs the scope ${scope} for an integration.`);
}

/** 403 naming the first restricted field the body carries (present, even as null) that the principal may not set. */
export function assertMaySetFields(principal: Principal, op: Operation, body: unknown): void {
  const fields = routeAuth(op).fields;
  if (!fields || typeof body !== 'object' || body === null) return;
  for (const [field, roles] of Object.entries(fields)) {
    if (!Object.hasOwn(body, field) || (body as Record<string, unknown>)[field] === undefined) continue;
    if (!principal.roles.some((role) => roles.includes(role)))
      throw new ForbiddenError(`Only ${roles.join(', ')} may set ${field}.`, [
        { field: `body.${field}`, message: `needs one of the roles: ${roles.join(', ')}` },
      ]);
  }
}

/** The scope an integration needs for an operation: declared, else `<tag>:read` for GET and `<tag>:write` otherwise. */
export function scopeOf(op: Operation): string {
  const declared = routeAuth(op).scope;
  if (declared) return declared;
  const area = op.tag.toLowerCase().replace(/\s+/g, '-');
  return `${area}:${op.method === 'GET' ? 'read' : 'write'}`;
}

function routeAuth(op: Operation): RouteAuth {
  if ('public' in op.auth) throw new Error(`${op.operationId} is public: it has no roles`);
  return op.auth;
}
