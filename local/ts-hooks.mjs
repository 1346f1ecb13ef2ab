/**
 * Lets Node run this repository's TypeScript as it is written, and cheaply enough that a Lambda
 * environment of the twin (a worker thread, one per function and concurrent invocation) starts in
 * a fraction of the CPU it took.
 *
 * - Resolve: the code imports relative modules without an extension (`./store`), which the bundler
 *   resolves for Lambda; this hook tries `<specifier>.ts` and `<specifier>/index.ts`.
 * - Load: Node 22 strips the types of a `.ts` file itself (whitespace in place of types, so line
 *   and column numbers and coverage offsets stay those of the source), but it loads its stripper
 *   (a WebAssembly build of SWC) into every thread, about 150 ms of CPU per environment. This hook
 *   keeps each file's stripped text in `node_modules/.cache/orderly/ts/`, keyed by the source's
 *   hash and Node's version, and hands Node the JavaScript: the stripper runs once per file
 *   version, not once per thread. The text is the one Node would have made (`stripTypeScriptTypes`,
 *   mode `strip`), so behaviour, stack traces and coverage are unchanged.
 * - Compile: V8's compile cache (`module.enableCompileCache`) in `node_modules/.cache/orderly/v8/`
 *   spares every later thread the parsing and compiling of the same modules, except in coverage
 *   runs (see below).
 *
 * - Vendor: a few dependencies of many small modules (zod, libphonenumber-js, Powertools' logger)
 *   resolve to single-file builds of themselves (local/vendor-bundles.mjs says why and how).
 *
 * Plain JavaScript, so that loading it needs no stripper. Used by the npm scripts
 * (`node --import ./local/ts-hooks.mjs …`) and by the twin's Lambda environments
 * (local/lambda/worker-entry.mjs), so both run the very files on disk.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { enableCompileCache, registerHooks, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { vendoredUrl } from './vendor-bundles.mjs';

const HAS_EXTENSION = /\.(?:[cm]?[jt]s|json|node)$/;
const CACHE = fileURLToPath(new URL('../node_modules/.cache/orderly/', import.meta.url));
const STRIPPED = `${CACHE}ts/`;

// Not while V8 collects coverage (`npm test -- --coverage` sets NODE_V8_COVERAGE): a thread that
// writes the compile cache reports no coverage for the modules it compiled, seen on Node 22.23.
if (!process.env.NODE_V8_COVERAGE) enableCompileCache(`${CACHE}v8`);
mkdirSync(STRIPPED, { recursive: true });

/**
 * The file's JavaScript as Node's own type stripping makes it, from the cache when this source
 * was stripped before by this Node version. Written to a temporary name and renamed, so a
 * thread reading it concurrently sees the whole text or none.
 * @param {string} path
 * @returns {string}
 */
function strippedSource(path) {
  const source = readFileSync(path, 'utf8');
  const key = createHash('sha256').update(process.version).update('\0').update(source).digest('hex');
  const cached = `${STRIPPED}${key}.js`;
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // Not cached yet. The function is experimental in Node 22 and says so once per thread; the
    // warning would land in a function's log, where it means nothing to the reader.
    const emitWarning = process.emitWarning;
    process.emitWarning = () => {};
    let stripped;
    try {
      stripped = stripTypeScriptTypes(source, { mode: 'strip' });
    } finally {
      process.emitWarning = emitWarning;
    }
    const partial = `${cached}.${process.pid}-${threadId}`;
    writeFileSync(partial, stripped);
    renameSync(partial, cached);
    return stripped;
  }
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (relative && !HAS_EXTENSION.test(specifier) && context.parentURL?.startsWith('file:')) {
      for (const suffix of ['.ts', '/index.ts']) {
        const candidate = new URL(specifier + suffix, context.parentURL);
        if (existsSync(fileURLToPath(candidate))) return nextResolve(candidate.href, context);
      }
    }
    const vendored = vendoredUrl(specifier);
    if (vendored) return { url: vendored, format: 'module', shortCircuit: true };
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    // The repository's own TypeScript (package.json says "type": "module"); dependencies ship JavaScript.
    if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/'))
      return nextLoad(url, context);
    return { format: 'module', source: strippedSource(fileURLToPath(url)), shortCircuit: true };
  },
});
