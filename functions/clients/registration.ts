import { PARTNER_ID_PATTERN, TENANT_ID_PATTERN } from '../shared/auth/claims';
import { FULFILMENT_SCOPE, RESOURCE_SERVER_ID } from '../shared/auth/machine-scope-list';
import { isMachineScope } from '../shared/auth/machine-scopes';
import { type FieldIssue, ValidationError } from '../shared/http/errors';

/** What registering a machine client takes: the tenant it is bound to, for good, and what it may do. */
export interface MachineClientRegistration {
  tenantId: string;
  /** Unqualified scope names (`fulfilment`, `orders:write`), each once. */
  scopes: string[];
  /** The fulfilment partner it reports for; required with the `fulfilment` scope. */
  partnerId?: string;
  name: string;
}

const MAX_NAME_LENGTH = 100;

/**
 * Checks a registration (the twin's `npm run client -- create`; the CDK context's
 * `orderly:machineClients` holds the same fields) and returns it with its scopes unqualified and
 * de-duplicated, or throws a ValidationError listing every problem. A `fulfilment` client must
 * name its partner: without one it would be refused on every order route anyway
 * (orders/partner-scope.ts), so it is refused here, where the mistake is made.
 */
export function parseRegistration(input: unknown): MachineClientRegistration {
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const { tenantId, scopes, partnerId, name } = body;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId))
    issues.push({ field: 'tenantId', message: `must match ${TENANT_ID_PATTERN}` });
  const names: string[] = [];
  if (!Array.isArray(scopes) || scopes.length === 0)
    issues.push({ field: 'scopes', message: 'must name at least one scope' });
  else
    for (const [index, scope] of scopes.entries()) {
      const unqualified = typeof scope === 'string' ? scope.replace(`${RESOURCE_SERVER_ID}/`, '') : '';
      if (!isMachineScope(unqualified))
        issues.push({ field: `scopes[${index}]`, message: `is not a machine scope: ${String(scope)}` });
      else if (!names.includes(unqualified)) names.push(unqualified);
    }
  if (partnerId !== undefined && (typeof partnerId !== 'string' || !PARTNER_ID_PATTERN.test(partnerId)))
    issues.push({ field: 'partnerId', message: `must match ${PARTNER_ID_PATTERN}` });
  if (partnerId === undefined && names.includes(FULFILMENT_SCOPE))
    issues.push({ field: 'partnerId', message: 'is required with the fulfilment scope' });
  if (name !== undefined && (typeof name !== 'string' || !name.trim() || name.length > MAX_NAME_LENGTH))
    issues.push({ field: 'name', message: `must be 1 to ${MAX_NAME_LENGTH} characters` });
  if (issues.length) throw new ValidationError(issues);
  return {
    tenantId: tenantId as string,
    scopes: names,
    ...(partnerId === undefined ? {} : { partnerId: partnerId as string }),
    name: typeof name === 'string' ? name.trim() : `${tenantId as string} machine client`,
  };
}
