/**
 * Bundle budget report (docs/design.md §9): builds every manifest function with the very esbuild
 * options the stack deploys (infra/bundling.ts) and prints, per function, the minified bundle
 * size and the module load time (median over fresh `node` processes importing the bundle,
 * i.e. the code part of a cold start). A bundle holding only `@aws-sdk/client-dynamodb` is
 * built as the reference floor. Bundles go to a temp directory, never into the repository.
 *
 *   npm run bench:bundles -- [--runs 5] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { functionName, functions } from '../functions/manifest';
import { tables } from '../functions/shared/db/tables';
import { esbuildOptions, LAMBDA_BUNDLE, REPO_ROOT } from '../infra/bundling';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
const KEEP = args.includes('--keep');
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a positive integer');

/** The smallest useful DynamoDB bundle: one client, one command. */
const DYNAMODB_FLOOR = `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = (event) => client.send(new GetItemCommand({ TableName: 't', Key: event.key }));
`;

/** What Lambda gives the module at load: a region and the table names, no network needed. */
const LAMBDA_LIKE_ENV = {
  ...process.env,
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bundle-report',
  POWERTOOLS_SERVICE_NAME: 'orderly',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  ...Object.fromEntries(tables.map((table) => [table.envVar, `orderly-${table.id}`])),
};

const LOAD_SCRIPT = `const t = performance.now();
await import(process.env.BUNDLE_URL);
process.stdout.write(String(performance.now() - t));`;

interface Row {
  name: string;
  bytes: number;
  gzipBytes: number;
  loadMs: number[];
}

const outRoot = mkdtempSync(join(tmpdir(), 'orderly-bundles-'));

async function bundle(name: string, entry: Pick<BuildOptions, 'entryPoints' | 'stdin'>): Promise<string> {
  const dir = join(outRoot, name);
  mkdirSync(dir);
  const outfile = join(dir, LAMBDA_BUNDLE.outputFile);
  await build({ ...esbuildOptions(outfile), ...entry });
  return outfile;
}

function loadTimes(file: string): number[] {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', LOAD_SCRIPT], {
      cwd: outRoot,
      env: { ...LAMBDA_LIKE_ENV, BUNDLE_URL: pathToFileURL(file).href },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`Loading ${file} failed:\n${result.stderr}`);
    times.push(Number(result.stdout));
  }
  return times;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

function measure(name: string, file: string): Row {
  const code = readFileSync(file);
  return { name, bytes: statSync(file).size, gzipBytes: gzipSync(code).length, loadMs: loadTimes(file) };
}

try {
  const started = performance.now();
  const built = await Promise.all([
    ...functions.map(async (spec) => ({
      name: functionName(spec),
      file: await bundle(functionName(spec), { entryPoints: [join(REPO_ROOT, spec.entry)] }),
    })),
    (async () => ({
      name: '(floor) @aws-sdk/client-dynamodb',
      file: await bundle('dynamodb-floor', {
        stdin: {
          contents: DYNAMODB_FLOOR,
          resolveDir: REPO_ROOT,
          sourcefile: 'dynamodb-floor.mjs',
          loader: 'js',
        },
      }),
    }))(),
  ]);
  const buildMs = performance.now() - started;
  // Measured one after the other, so processes do not compete for the CPU.
  const rows = built.map(({ name, file }) => measure(name, file));

  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const header = ['function', 'size KB (min)', 'gzip KB', `load ms (median of ${RUNS})`, 'min–max ms'];
  const lines = rows.map((row) => [
    row.name,
    kb(row.bytes),
    kb(row.gzipBytes),
    median(row.loadMs).toFixed(1),
    `${Math.min(...row.loadMs).toFixed(1)}–${Math.max(...row.loadMs).toFixed(1)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => (line[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  console.log(
    `Lambda bundles: ${LAMBDA_BUNDLE.format}, ${LAMBDA_BUNDLE.target}, minify=${LAMBDA_BUNDLE.minify}, node ${process.version}`,
  );
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  const where = KEEP ? `kept in ${outRoot}` : 'removed again (--keep keeps them)';
  console.log(`\nBuilt ${built.length} bundles in ${(buildMs / 1000).toFixed(1)} s; ${where}`);
} finally {
  if (!KEEP) rmSync(outRoot, { recursive: true, force: true });
}
