import type { LogRecord } from '../../local/lambda/runtime';

/**
 * What the twin said while a test ran, kept so that a failing test can show the server-side
 * cause next to its assertion: the functions' warnings and errors (Powertools' JSON lines, each
 * tagged with the invocation and the HTTP request or execution it served) and the twin's own
 * lines about failed invocations and executions. Passing tests print nothing.
 */
interface Entry {
  at: number;
  text: string;
  correlationId?: string;
}

const MAX_ENTRIES = 5_000;
const entries: Entry[] = [];
/** Request ids (the `apigw-requestid` header) of the responses the current test received. */
export const requestIdsOfThisTest = new Set<string>();

const push = (entry: Entry) => {
  entries.push(entry);
  if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES);
};

export function recordFunctionLog(record: LogRecord): void {
  const where = `${record.functionName}${record.correlationId ? ` [${record.correlationId}]` : ''}`;
  push({ at: Date.now(), text: `${where} ${record.line}`, correlationId: record.correlationId });
}

const TWIN_TROUBLE = /failed|FAILED|TIMED_OUT|ABORTED|error|timed out/;

export function recordTwinLine(line: string): void {
  if (TWIN_TROUBLE.test(line)) push({ at: Date.now(), text: `twin: ${line}` });
}

/** What the server said since `since`, or about one of the test's requests: for a failure message. */
export function serverSideCause(since: number): string | undefined {
  const lines = entries
    .filter(
      (e) => e.at >= since || (e.correlationId !== undefined && requestIdsOfThisTest.has(e.correlationId)),
    )
    .map((e) => e.text);
  if (!lines.length) return undefined;
  const shown = lines.slice(-40);
  const skipped = lines.length - shown.length;
  return [
    `Server side during this test (${lines.length} line${lines.length === 1 ? '' : 's'} of warnings and errors${skipped ? `, last ${shown.length}` : ''}):`,
    ...shown.map((line) => `  ${line.length > 600 ? `${line.slice(0, 600)}…` : line}`),
  ].join('\n');
}
