/**
 * Lets Node run this repository's TypeScript as it is written. Node 22 strips the types itself
 * (whitespace in place of types, so line and column numbers and coverage offsets stay those of
 * the source); what it does not do is resolve the extensionless relative imports the code uses
 * (`./store`), which the bundler resolves for Lambda. This hook tries `<specifier>.ts` and
 * `<specifier>/index.ts`.
 *
 * Used by the npm scripts (`node --import ./local/ts-hooks.ts …`) and by the twin's Lambda
 * environments (worker threads), so both run the very files on disk.
 */
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const HAS_EXTENSION = /\.(?:[cm]?[jt]s|json|node)$/;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (relative && !HAS_EXTENSION.test(specifier) && context.parentURL?.startsWith('file:')) {
      for (const suffix of ['.ts', '/index.ts']) {
        const candidate = new URL(specifier + suffix, context.parentURL);
        if (existsSync(fileURLToPath(candidate))) return nextResolve(candidate.href, context);
      }
    }
    return nextResolve(specifier, context);
  },
});
