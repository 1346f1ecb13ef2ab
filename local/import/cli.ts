/**
 * `npm run import -- <customers|products|needs|orders> <file.csv> --map <mapping.json>` imports a
 * CSV file through the API's batch operations: progress on stderr, the summary on stdout, every
 * left-out or refused row in a report file, and resume by running the same command again.
 * README "Importing CSV" documents the options and the mapping; local/import/ holds the parts.
 */
import { parseArgs } from 'node:util';
import { DATA_DIR } from '../paths';
import { ENCODING_NAMES } from './encodings';
import { ImportError } from './errors';
import { KINDS, type Kind, mappingJsonSchema } from './mapping';
import { type ImportSummary, importsDir, MAX_BATCH_ITEMS, runImport } from './run-import';
import { checkReachable, resolveTarget } from './target';

const USAGE = `Usage: npm run import -- <${KINDS.join('|')}> <file.csv> --map <mapping.json> [options]

Imports a CSV file through the API in batches. Running the same command again resumes: what is
in is not sent again.

  --map <file>          the mapping: which column fills which field (README "Importing CSV")
  --encoding <name>     the file's encoding (default: detected — a byte order mark, else UTF-8
                        if the bytes are UTF-8, else windows-1252): ${ENCODING_NAMES}
  --batch <n>           items per request, 1–${MAX_BATCH_ITEMS} (default ${MAX_BATCH_ITEMS})
  --concurrency <n>     requests in flight at once, 1–16 (default 2)
  --url <url>           the API (default: the running twin: $ORDERLY_URL, else http://localhost:\${PORT:-3000})
  --token <token>       a bearer token (default: $ORDERLY_TOKEN, else an admin development token
                        signed with the twin's key in .data/)
  --tenant <id>         the tenant of that development token (default demo)
  --report <file>       the rejected rows' CSV (default .data/imports/<kind>-<file>-<id>.rejected.csv)
  --json                print the summary as JSON
  --mapping-schema      print the mapping file's JSON Schema and exit
  --help                this text

Exit status: 0 done (rejected rows are in the report), 1 stopped by an error, 2 usage, 130 interrupted.`;

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      map: { type: 'string' },
      encoding: { type: 'string' },
      batch: { type: 'string', default: String(MAX_BATCH_ITEMS) },
      concurrency: { type: 'string', default: '2' },
      url: { type: 'string' },
      token: { type: 'string' },
      tenant: { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean' },
      'mapping-schema': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values['mapping-schema']) {
  process.stdout.write(`${JSON.stringify(mappingJsonSchema(), null, 2)}\n`);
  process.exit(0);
}
const [kind, file, ...extra] = positionals;
if (!kind || !file || extra.length) usage('Say what to import and from which file.');
if (!(KINDS as readonly string[]).includes(kind)) usage(`Unknown kind '${kind}': ${KINDS.join(', ')}.`);
if (!values.map) usage('Say which mapping to use: --map <mapping.json>.');
const batchSize = wholeNumber('--batch', values.batch, 1, MAX_BATCH_ITEMS);
const concurrency = wholeNumber('--concurrency', values.concurrency, 1, 16);

// Ctrl-C: stop sending, let the batches in flight finish and be recorded; a second one quits now.
const stop = new AbortController();
process.on('SIGINT', () => {
  if (stop.signal.aborted) process.exit(130);
  process.stderr.write('\nStopping after the batches in flight (Ctrl-C again to quit now)…\n');
  stop.abort();
});

try {
  const target = await resolveTarget({ url: values.url, token: values.token, tenant: values.tenant });
  await checkReachable(target.url);
  const summary = await runImport({
    kind: kind as Kind,
    file,
    mappingFile: values.map,
    encoding: values.encoding,
    batchSize,
    concurrency,
    target,
    stateDir: importsDir(DATA_DIR),
    reportFile: values.report,
    progress: {
      write: (text) => process.stderr.write(text),
      tty: Boolean(process.stderr.isTTY) && !process.env.CI,
    },
    log: (line) => process.stderr.write(`${line}\n`),
    stop: stop.signal,
  });
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : describe(summary));
  if (summary.interrupted) {
    process.stderr.write('Interrupted: run the same command again to import the rest.\n');
    process.exit(130);
  }
} catch (error) {
  if (!(error instanceof ImportError)) throw error;
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

function describe(s: ImportSummary): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [
    `${s.kind}: ${n(s.rows)} rows → ${n(s.items)} items in ${s.seconds.toFixed(1)} s (${n(Math.round(s.rowsPerSecond))} rows/s)`,
    `  created ${n(s.created)} · existing ${n(s.existing)} · already in (earlier run) ${n(s.alreadyIn)} · rejected by the API ${n(s.rejected)}`,
  ];
  if (s.byReason.length) {
    lines.push(`  left out or refused, by reason (every row: ${s.reportFile}):`);
    const width = Math.max(...s.byReason.map((r) => r.reason.length));
    for (const r of s.byReason)
      lines.push(
        `    ${n(r.rows).padStart(8)} rows  ${r.reason.padEnd(width)}  ${r.source}${r.entries !== r.rows ? ` (${n(r.entries)} items)` : ''}`,
      );
  } else lines.push('  no row left out or refused');
  lines.push(`  resume state: ${s.stateFile}`);
  return `${lines.join('\n')}\n`;
}

function wholeNumber(option: string, value: string | undefined, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    usage(`${option} takes a whole number from ${min} to ${max}.`);
  return number;
}

function usage(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}
