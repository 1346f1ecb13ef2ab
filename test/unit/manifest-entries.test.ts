import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { functions } from '../../functions/manifest';

/**
 * Each function of the manifest names the file both runtimes load it from (the CDK bundles it, the
 * twin imports it): a wrong path fails only at synth or at the twin's first call of that function,
 * so it is checked here, for every function at once.
 */
describe('the manifest’s entries', () => {
  it('each names a source file under functions/ that exports a handler', () => {
    assert.ok(functions.length > 50, `every function (${functions.length})`);
    for (const fn of functions) {
      assert.match(fn.entry, /^functions\/[a-z0-9/-]+\.ts$/, fn.entry);
      assert.ok(existsSync(fn.entry), `${fn.entry} exists`);
      assert.match(readFileSync(fn.entry, 'utf8'), /^export const handler\b/m, `${fn.entry} exports handler`);
    }
  });

  it('gives each function a file of its own', () => {
    const entries = functions.map((fn) => fn.entry);
    const twice = entries.filter((entry, i) => entries.indexOf(entry) !== i);
    assert.deepEqual(twice, []);
  });
});
