/**
 * `npm run token -- --role approver --tenant acme --user ann` prints a development token signed
 * by the twin's key (created under .data/ on first use). Any tenant and any user: a second
 * tenant or a second person is one command away. Repeat --role (or use commas) for several.
 */
import { parseArgs } from 'node:util';
import { TENANT_ID_PATTERN } from '../functions/shared/auth/claims';
import { isRole, ROLES, type Role } from '../functions/shared/auth/roles';
import { issueToken, loadOrCreateSigningKey } from './gateway/dev-tokens';
import { SIGNING_KEY_FILE } from './paths';

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true, default: ['admin'] },
    tenant: { type: 'string', default: 'demo' },
    user: { type: 'string' },
    'expires-in': { type: 'string', default: '43200' },
  },
});

const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim());
const unknown = roles.filter((r) => !isRole(r));
if (unknown.length) fail(`Unknown role ${unknown.join(', ')}. Roles: ${ROLES.join(', ')}.`);
if (!TENANT_ID_PATTERN.test(values.tenant))
  fail('A tenant id is 2–40 characters: lower-case letters, digits and dashes.');
const expiresInSeconds = Number(values['expires-in']);
if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) fail('--expires-in takes whole seconds.');

const token = await issueToken(await loadOrCreateSigningKey(SIGNING_KEY_FILE), {
  tenantId: values.tenant,
  userId: values.user ?? `${roles[0]}-user`,
  roles: roles as Role[],
  expiresInSeconds,
});
process.stdout.write(`${token}\n`);

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
