import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
// @ts-expect-error: plain JavaScript without declarations (it runs before any TypeScript loads).
import { vendoredUrl } from '../../local/vendor-bundles.mjs';

/**
 * The single-file builds the twin's environments load in place of zod, libphonenumber-js, middy,
 * croner, ulid and Powertools' logger (local/vendor-bundles.mjs): the same exports as the
 * packages, built once, and loaded by the repository's hooks.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPECIFIERS = [
  'zod',
  'libphonenumber-js',
  '@middy/core',
  'croner',
  'ulid',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/logger/middleware',
  '@aws-lambda-powertools/logger/correlationId',
];

/** Runs `code` in a plain Node process with the repository's hooks, as a twin environment runs. */
function node(code: string): string {
  const result = spawnSync(
    process.execPath,
    ['--import', './local/ts-hooks.mjs', '--input-type=module', '-e', code],
    {
      cwd: ROOT,
      encoding: 'utf8',
      // The test process silences Powertools (test/setup/environment.ts); this one must speak.
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' },
    },
  );
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

describe('vendor bundles', () => {
  it.each(SPECIFIERS)('%s resolves to one built file with the package’s own exports', async (specifier) => {
    const url = vendoredUrl(specifier) as string;
    assert.match(url, /^file:\/\/.*\/node_modules\/\.cache\/orderly\/vendor\/[0-9a-f]{16}\/[\w-]+\.mjs$/);
    const built = Object.keys(await import(url)).sort();
    const original = Object.keys(await import(specifier)).sort();
    assert.deepEqual(built, original);
  });

  it('leaves every other specifier to Node, and builds once', () => {
    assert.equal(vendoredUrl('@aws-sdk/client-dynamodb'), undefined);
    assert.equal(vendoredUrl('zod/v4/core'), undefined);
    const file = fileURLToPath(vendoredUrl('zod') as string);
    const built = statSync(file).mtimeMs;
    assert.equal(vendoredUrl('zod'), vendoredUrl('zod'));
    assert.equal(statSync(file).mtimeMs, built);
  });

  it('is what the hooks load, and Powertools’ middleware puts the Lambda context on the logger’s lines', () => {
    const out = node(`
      const { Logger } = await import('@aws-lambda-powertools/logger');
      const { injectLambdaContext } = await import('@aws-lambda-powertools/logger/middleware');
      const logger = new Logger({ serviceName: 'probe' });
      await injectLambdaContext(logger).before({
        event: {},
        context: { functionName: 'probeFunction', awsRequestId: 'req-1', memoryLimitInMB: '128', invokedFunctionArn: 'arn', functionVersion: '1' },
      });
      logger.info('hello');
      console.log(JSON.stringify({ zod: import.meta.resolve('zod') }));
    `);
    const [line, resolved] = out.split('\n').map((l) => JSON.parse(l));
    assert.equal(resolved.zod, vendoredUrl('zod'));
    assert.equal(line.message, 'hello');
    assert.equal(line.function_name, 'probeFunction');
    assert.equal(line.function_request_id, 'req-1');
  });
});
