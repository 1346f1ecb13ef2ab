import { httpFunctions } from '../../functions/manifest';
import { scopeOf } from '../../functions/shared/auth/permissions';
import { ROLES } from '../../functions/shared/auth/roles';

/**
 * docs/permissions.md, generated from the operations' declarations (`auth` next to each route):
 * who may call each route, the scope an integration needs, and the fields only some roles may
 * set. A test keeps the file equal to what the declarations say, so a change of who may do what
 * shows in review as a change of this table.
 */
export function permissionsMarkdown(): string {
  const rows = httpFunctions
    .map((fn) => fn.operation)
    .filter((op) => 'roles' in op.auth)
    .map((op) => {
      const auth = op.auth as Exclude<typeof op.auth, { public: true }>;
      const cells = ROLES.map((role) => (auth.roles.includes(role) ? '✓' : ''));
      const scope = auth.roles.includes('integration') ? `\`${scopeOf(op)}\`` : '';
      const fields = Object.entries(auth.fields ?? {})
        .map(([field, roles]) => `\`${field}\`: ${roles.join(', ')}`)
        .join('; ');
      return `| \`${op.method} ${op.path}\` | ${cells.join(' | ')} | ${scope} | ${fields} |`;
    });
  return [
    '# Who may do what',
    '',
    'Generated from the operations’ declarations by `npm run docs:permissions`; a test fails when it is out of date.',
    'Public routes (`/health`, `/openapi.json`, `/docs`) need no token. An `integration` principal also needs',
    'the scope in its column; the last column lists body fields only some roles may set (403 naming the field).',
    'How the roles, scopes, partners and the audit trail work: [security.md](security.md).',
    '',
    `| Route | ${ROLES.join(' | ')} | Integration scope | Restricted fields |`,
    `| --- | ${ROLES.map(() => ':-:').join(' | ')} | --- | --- |`,
    ...rows,
    '',
  ].join('\n');
}
