import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { permissionsMarkdown } from '../../scripts/docs/permissions-table';

describe('docs/permissions.md', () => {
  it('says what the declarations say (regenerate with npm run docs:permissions)', () => {
    const file = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
    assert.equal(file, permissionsMarkdown(), 'docs/permissions.md is out of date: npm run docs:permissions');
  });
});
