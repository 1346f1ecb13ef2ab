/** `npm run docs:permissions`: rewrites docs/permissions.md from the operations' declarations. */
import { writeFileSync } from 'node:fs';
import { permissionsMarkdown } from './docs/permissions-table';

writeFileSync(new URL('../docs/permissions.md', import.meta.url), permissionsMarkdown());
process.stdout.write('docs/permissions.md written\n');
