/**
 * `npm run -s token -- --role approver --tenant acme --user ann` prints a development token
 * signed by the twin's key (created under .data/ on first use). Any tenant and any user: a second
 * tenant or a second person is one command away. Repeat --role (or use commas) for several.
 */
import { parseArgs } from 'node:util';
import { PARTNER_ID_PATTERN, TENANT_ID_PATTERN } from '../functions/shared/auth/claims';
import { isRole, ROLES, type Role } from '../functions/shared/auth/roles';
import { issueToken, loadOrCreateSigningKey, MAX_DEV_TOKEN_SECONDS } from './gateway/dev-tokens';
import { SIGNING_KEY_FILE } from './paths';

const USAGE = `Usage: npm run -s token -- --role <role> [--role <role>…] [--tenant <id>] [--user <id>] [--partner <id>] [--scope <scope>…] [--expires-in <seconds>]

Prints a development token for the local twin (npm start), signed by the key in .data/.

  --role <role>         a role of the caller; repeat it or separate roles by commas (required)
                        roles: ${ROLES.join(', ')}
  --tenant <id>         the tenant the caller belongs to (default: demo); 2–40 characters:
                        lower-case letters, digits and dashes
  --user <id>           the caller's user id, the token's subject (default: <first role>-user)
  --partner <id>        the fulfilment partner the caller works for (fulfilment users need one;
                        the demo tenant's default partner is in-house)
  --scope <scope>       what an integration may do, e.g. orders:read; repeat it or use commas
                        (the API description lists each operation's scope)
  --expires-in <s>      lifetime in whole seconds (default: 43200, 12 hours; at most ${MAX_DEV_TOKEN_SECONDS})
  --help                this text

Example: export TOKEN=$(npm run -s token -- --role sales --tenant demo --user sam)`;

let values: {
  role?: string[];
  tenant?: string;
  user?: string;
  partner?: string;
  scope?: string[];
  'expires-in'?: string;
  help?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      tenant: { type: 'string', default: 'demo' },
      user: { type: 'string' },
      partner: { type: 'string' },
      scope: { type: 'string', multiple: true },
      'expires-in': { type: 'string', default: '43200' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const roles = (values.role ?? [])
  .flatMap((r) => r.split(','))
  .map((r) => r.trim())
  .filter(Boolean);
if (!roles.length) fail(`Say which role the token is for.\n\n${USAGE}`);
const unknown = roles.filter((r) => !isRole(r));
if (unknown.length) fail(`Unknown role ${unknown.join(', ')}. Roles: ${ROLES.join(', ')}.`);
const tenant = values.tenant ?? 'demo';
if (!TENANT_ID_PATTERN.test(tenant))
  fail('A tenant id is 2–40 characters: lower-case letters, digits and dashes.');
if (values.partner !== undefined && !PARTNER_ID_PATTERN.test(values.partner))
  fail('A partner id is 1–40 characters: lower-case letters, digits and dashes.');
const scopes = (values.scope ?? [])
  .flatMap((s) => s.split(','))
  .map((s) => s.trim())
  .filter(Boolean);
const expiresInSeconds = Number(values['expires-in']);
if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0 || expiresInSeconds > MAX_DEV_TOKEN_SECONDS)
  fail(`--expires-in takes whole seconds, 1 to ${MAX_DEV_TOKEN_SECONDS}.`);

const key = await loadOrCreateSigningKey(SIGNING_KEY_FILE).catch((error: Error) => fail(error.message));
const token = await issueToken(key, {
  tenantId: tenant,
  userId: values.user ?? `${roles[0]}-user`,
  roles: roles as Role[],
  ...(values.partner ? { partnerId: values.partner } : {}),
  ...(scopes.length ? { scopes } : {}),
  expiresInSeconds,
});
process.stdout.write(`${token}\n`);

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
