import { FULFILMENT_SCOPE, MACHINE_SCOPE_NAMES, RESOURCE_SERVER_ID } from './machine-scope-list';
import type { Role } from './roles';

/** What a machine client may do, read from the scopes of its access token. */
export interface MachineGrant {
  roles: Role[];
  /** The integration route scopes it holds (`orders:write`, …), unqualified as routes name them. */
  scopes: string[];
}

const PREFIX = `${RESOURCE_SERVER_ID}/`;

/**
 * The roles and scopes of a machine client from its token's `scope` claim (space-separated,
 * RFC 6749 §3.3). Only Orderly's resource server counts (`orderly/<name>`), and only names it
 * defines: a scope of another resource server, or one this API never granted, gives nothing.
 * `orderly/fulfilment` makes the client a fulfilment partner; every other name an integration
 * holding that scope. A machine never gets a role any other way (its groups claim is ignored).
 */
export function grantOfScopeClaim(value: unknown): MachineGrant {
  const names = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
  return grantOfScopes(
    names.filter((scope) => scope.startsWith(PREFIX)).map((scope) => scope.slice(PREFIX.length)),
  );
}

/** The grant of unqualified machine scope names; unknown names are dropped. */
export function grantOfScopes(names: readonly string[]): MachineGrant {
  const known = [...new Set(names)].filter(isMachineScope);
  const integrationScopes = known.filter((name) => name !== FULFILMENT_SCOPE);
  const roles: Role[] = [];
  if (known.includes(FULFILMENT_SCOPE)) roles.push('fulfilment');
  if (integrationScopes.length) roles.push('integration');
  return { roles, scopes: integrationScopes };
}

export const isMachineScope = (name: string): boolean => MACHINE_SCOPE_NAMES.includes(name);
