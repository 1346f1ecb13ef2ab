/**
 * A few dependencies, each built into one file, so that a Lambda environment of the twin loads
 * them as Lambda loads its bundle: in a handful of modules, not hundreds.
 *
 * Why: most of a cold start's CPU goes to Node's module loader, not to the code it loads. zod is
 * ~95 modules and libphonenumber-js ~112; resolving, reading, format-detecting and linking each
 * costs more than running it. Built into single files, the same createOrder environment starts in
 * about 30 % less CPU (a worker thread importing its handler: ~440 → ~310 ms; README,
 * "Prerequisites"). Only packages of plain code with a stable interface are here: not the AWS
 * SDK, whose clients load as a few large CommonJS files already.
 *
 * How: one esbuild build of every specifier below, with code splitting, so code two of them
 * share (Powertools' commons) lives in one chunk and exists once per thread, as in an ordinary
 * import. The build runs on first use (under a millisecond afterwards: a file exists) and lands in
 * `node_modules/.cache/orderly/vendor/<key>/`, the key hashing every package's version, esbuild's
 * and Node's; a new install builds anew. One thread builds (the others wait for it: a twin starts
 * some 25 environments at once), in a temporary folder then renamed, so no thread sees half a
 * build. Without esbuild (a production-only install) nothing is vendored and Node loads the
 * packages as they are.
 *
 * Plain JavaScript, imported by local/ts-hooks.mjs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VENDOR = `${ROOT}node_modules/.cache/orderly/vendor/`;

const BUILD_FORMAT = 'esm-split-1';

/** The dependencies built into single files: plain code, many modules, a stable interface. */
const VENDORED = [
  'zod',
  'libphonenumber-js',
  '@middy/core',
  'croner',
  'ulid',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/logger/middleware',
  '@aws-lambda-powertools/logger/correlationId',
];

const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const fileNameOf = (specifier) => specifier.replace(/^@/, '').replaceAll('/', '__');

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** The folder of the build for what is installed now, or undefined when it cannot be made. */
const folder = (() => {
  let cached;
  return () => {
    if (cached !== undefined) return cached || undefined;
    cached = '';
    const esbuildVersion = versionOf('esbuild');
    if (!esbuildVersion) return undefined;
    // BUILD_FORMAT changes with the build's options below, so an older build is not reused.
    const hash = createHash('sha256').update(`${BUILD_FORMAT} ${process.version} esbuild ${esbuildVersion}`);
    for (const specifier of VENDORED) {
      const version = versionOf(packageOf(specifier));
      if (!version) return undefined;
      hash.update(`\0${specifier}@${version}`);
    }
    const dir = `${VENDOR}${hash.digest('hex').slice(0, 16)}/`;
    if (!existsSync(dir) && !buildOnce(dir)) return undefined;
    cached = dir;
    return dir;
  };
})();

/**
 * Builds unless another thread or process is building (it holds the lock folder): then waits for
 * its build, up to a minute. A lock older than that was left by a process that died building.
 */
function buildOnce(dir) {
  const lock = `${dir.slice(0, -1)}.lock`;
  mkdirSync(VENDOR, { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const stale = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 60_000;
    if (stale) {
      rmSync(lock, { recursive: true, force: true });
      return buildOnce(dir);
    }
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (const until = Date.now() + 60_000; !existsSync(dir) && Date.now() < until; )
      Atomics.wait(sleeper, 0, 0, 50);
    return existsSync(dir);
  }
  try {
    return build(dir);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** One ES module per entry, code two entries share in chunks (so it exists once per thread). */
const options = (work) => ({
  absWorkingDir: ROOT,
  outdir: `${work}out`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  // CommonJS inside a bundle may require Node's own modules.
  banner: {
    js: "import { createRequire as __vendorRequire } from 'node:module'; const require = __vendorRequire(import.meta.url);",
  },
  logLevel: 'silent',
});

/** Builds every vendored specifier into `dir`: true when it exists afterwards. */
function build(dir) {
  const work = `${dir.slice(0, -1)}.${process.pid}-${threadId}/`;
  try {
    const esbuild = createRequire(import.meta.url)('esbuild');
    const entries = `${work}entries/`;
    mkdirSync(entries, { recursive: true });
    // Each entry re-exports its package, its default export too where it has one: tried with,
    // then without for the entries esbuild says have none.
    const withoutDefault = new Set();
    const entryPoints = VENDORED.map((specifier) => `${entries}${fileNameOf(specifier)}.mjs`);
    for (let tries = 0; ; tries++) {
      VENDORED.forEach((specifier, i) => {
        const quoted = JSON.stringify(specifier);
        const reexports = withoutDefault.has(entryPoints[i])
          ? `export * from ${quoted};\n`
          : `export * from ${quoted};\nexport { default } from ${quoted};\n`;
        writeFileSync(entryPoints[i], reexports);
      });
      try {
        esbuild.buildSync({ ...options(work), entryPoints });
        break;
      } catch (error) {
        const missing = (error.errors ?? [])
          .filter((e) => /No matching export .* for import "default"/.test(e.text))
          .map((e) => join(ROOT, e.location?.file ?? ''));
        if (tries > 0 || missing.length === 0) throw error;
        for (const file of missing) withoutDefault.add(file);
      }
    }
    renameSync(`${work}out`, dir);
  } catch {
    // No esbuild, or a package it cannot build: Node loads the packages as they are.
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return existsSync(dir);
}

/** The URL of `specifier`'s single-file build, or undefined when it is not vendored. */
export function vendoredUrl(specifier) {
  if (!VENDORED.includes(specifier)) return undefined;
  const dir = folder();
  return dir ? pathToFileURL(`${dir}${fileNameOf(specifier)}.mjs`).href : undefined;
}
