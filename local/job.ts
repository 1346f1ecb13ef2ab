/**
 * `npm run -s job -- <name>` runs a scheduled job of the running twin now, as EventBridge
 * Scheduler would invoke it (its payload, with the context attributes filled in), and prints its
 * result as JSON. Without a name (or with --help) it lists the jobs. It talks to the twin over
 * its control socket (local/control/server.ts), so it needs `npm start` running on the same data
 * directory.
 */
import { dirname, isAbsolute, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { callTwin, NoTwinError } from './control/client';
import { CONTROL_SOCKET } from './paths';
import type { ScheduledJob } from './scheduler/scheduler';

const USAGE = `Usage: npm run -s job -- <name>

Runs a scheduled job of the running twin (npm start) now, with the payload and the context
attributes EventBridge Scheduler would give it, and prints its result as JSON. Exits 1 if the job
fails, if there is no such job, or if no twin is running.`;

let positionals: string[];
let help: boolean | undefined;
try {
  ({
    positionals,
    values: { help },
  } = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
if (positionals.length > 1) fail(`One job at a time.\n\n${USAGE}`, 2);

// .data/ as the README names it; a directory elsewhere (ORDERLY_CONTROL_SOCKET) in full.
const socketDir = dirname(CONTROL_SOCKET);
const fromHere = relative(process.cwd(), socketDir);
const dataDir = fromHere.startsWith('..') || isAbsolute(fromHere) ? socketDir : fromHere || '.';
const NO_TWIN = `No twin is running on ${dataDir}/ — start one with npm start.`;
const [name] = positionals;

if (help || name === undefined) {
  console.log(USAGE);
  console.log(`\n${await jobList()}`);
  process.exit(0);
}

const answer = await callTwin(CONTROL_SOCKET, 'POST', `/jobs/${encodeURIComponent(name)}`).catch(
  (error: Error) => fail(error instanceof NoTwinError ? NO_TWIN : `Cannot reach the twin: ${error.message}`),
);
const body = answer.body as { result?: unknown; detail?: string; jobs?: string[] };
if (answer.status === 200) {
  console.log(JSON.stringify(body.result ?? null, null, 2));
  process.exit(0);
}
if (answer.status === 404 && body.jobs)
  fail(`There is no scheduled job '${name}'. Jobs: ${body.jobs.join(', ')}.`);
fail(body.detail ?? `The twin answered ${answer.status}.`);

/** The running twin's jobs with their next fire times, or the manifest's when no twin runs. */
async function jobList(): Promise<string> {
  const table = (jobs: readonly ScheduledJob[]) =>
    jobs
      .map(
        (job) => `  ${job.name}  ${job.expression}  ${job.timeZone}${job.next ? `  next ${job.next}` : ''}`,
      )
      .join('\n') || '  (none)';
  try {
    const { body } = await callTwin(CONTROL_SOCKET, 'GET', '/jobs');
    return `Jobs of the running twin:\n${table((body as { jobs: ScheduledJob[] }).jobs)}`;
  } catch (error) {
    if (!(error instanceof NoTwinError)) throw error;
    // Loaded only here: the manifest brings every operation's schemas with it.
    const { scheduleFunctions } = await import('../functions/manifest');
    const jobs = scheduleFunctions.map((fn) => ({ name: fn.name, ...fn.schedule }));
    return `${NO_TWIN}\nJobs in the manifest:\n${table(jobs)}`;
  }
}

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}
