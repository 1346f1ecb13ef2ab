import { type MachineClientRegistration, parseRegistration } from '../functions/clients/registration';
import type { FieldIssue } from '../functions/shared/http/errors';

/** CDK context: the machine clients to create, `[{ name, tenantId, scopes, partnerId? }]` (JSON when given with `-c`). */
export const MACHINE_CLIENTS_CONTEXT = 'orderly:machineClients';
/** CDK context: the prefix of the Cognito domain that serves `/oauth2/token` (`<prefix>.auth.<region>.amazoncognito.com`). */
export const AUTH_DOMAIN_PREFIX_CONTEXT = 'orderly:authDomainPrefix';

/**
 * Cognito's app client name alphabet. The name also names the client's constructs, so it must
 * stay the same for the client to stay the same (renaming makes a new client with a new secret).
 */
const CLIENT_NAME_PATTERN = /^[\w\s+=,.@-]{1,100}$/;
/** A Cognito domain prefix: lower-case letters, digits and inner hyphens, at most 63. */
const DOMAIN_PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The machine clients a deployment declares, checked as the twin checks `npm run client -- create`
 * (functions/clients/registration.ts: tenant pattern, known scopes, a partner with `fulfilment`),
 * plus what the stack needs: every entry names itself, in Cognito's alphabet, once. Throws one
 * error listing every problem, so a bad context fails the synthesis rather than the deploy.
 */
export function machineClientsOf(value: unknown): MachineClientRegistration[] {
  if (value === undefined) return [];
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  if (!Array.isArray(parsed)) throw contextError([{ field: '', message: 'must be a JSON array' }]);
  const issues: FieldIssue[] = [];
  const clients: MachineClientRegistration[] = [];
  for (const [index, entry] of parsed.entries()) {
    const name = (entry as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || !CLIENT_NAME_PATTERN.test(name))
      issues.push({ field: `[${index}].name`, message: `is required and must match ${CLIENT_NAME_PATTERN}` });
    else if (clients.some((client) => client.name === name))
      issues.push({ field: `[${index}].name`, message: `"${name}" is taken by an earlier client` });
    try {
      clients.push(parseRegistration(entry));
    } catch (error) {
      const listed = (error as { extensions?: { errors?: FieldIssue[] } }).extensions?.errors;
      if (!listed) throw error;
      issues.push(...listed.map((issue) => ({ ...issue, field: `[${index}].${issue.field}` })));
    }
  }
  if (issues.length) throw contextError(issues);
  return clients;
}

/** The domain prefix from the context, or undefined (the stack then derives one from the account). */
export function authDomainPrefixOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DOMAIN_PREFIX_PATTERN.test(value) || /aws|amazon|cognito/.test(value))
    throw new Error(
      `Context ${AUTH_DOMAIN_PREFIX_CONTEXT} must match ${DOMAIN_PREFIX_PATTERN} and not contain ` +
        '"aws", "amazon" or "cognito" (Cognito reserves them)',
    );
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw contextError([{ field: '', message: 'is not valid JSON' }]);
  }
}

function contextError(issues: FieldIssue[]): Error {
  return new Error(
    `Context ${MACHINE_CLIENTS_CONTEXT}: ${issues.map((i) => `${i.field} ${i.message}`.trim()).join('; ')}`,
  );
}
