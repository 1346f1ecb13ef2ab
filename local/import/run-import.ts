import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type ItemResult, type Problem, sendBatch } from './api';
import { type Batch, Batcher, batchKeyPrefix } from './batches';
import { openCsv } from './csv-rows';
import { ImportError } from './errors';
import { examineFile } from './file-facts';
import { importEvents, type PendingItem } from './items';
import { type Kind, loadMapping, MappingError } from './mapping';
import { Progress } from './progress';
import { type ReasonCount, RejectionReport } from './report';
import { ResumeState } from './resume-state';
import { bindMapping } from './row-mapper';
import { surveyRows } from './survey';
import type { Target } from './target';

/**
 * One import, from the file to the API: examine the file (hash, encoding), bind the mapping to
 * its header (a missing column stops everything here, before any request), survey the rows
 * (count; orders together), then read them again into items and send those not yet in, in
 * batches, a few at a time, recording each batch's answer in the resume state and every left-out
 * or refused row in the report.
 */
export const ENDPOINTS: Record<Kind, string> = {
  customers: '/v1/customers/batch',
  products: '/v1/products/batch',
  needs: '/v1/needs/batch',
  orders: '/v1/orders/history',
};

/**
 * The batch operations' limit, as functions/shared/http/batch.ts declares it (a unit test compares
 * them): not imported from there, which would load the API's DynamoDB plumbing into the CLI.
 */
export const MAX_BATCH_ITEMS = 100;

export interface ImportOptions {
  kind: Kind;
  file: string;
  mappingFile: string;
  encoding?: string;
  batchSize: number;
  concurrency: number;
  target: Target;
  stateDir: string;
  reportFile?: string;
  progress: { write: (text: string) => void; tty: boolean };
  log: (line: string) => void;
  /** Aborted (Ctrl-C): no new batch is sent; those in flight finish and are recorded. */
  stop?: AbortSignal;
  /** Tests: fewer attempts, no sleeping between them. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ImportSummary {
  kind: Kind;
  file: string;
  encoding: string;
  url: string;
  tenant: string;
  /** Data rows in the file (the header and blank lines not counted). */
  rows: number;
  /** Items the rows made (orders, customers…), whatever became of them. */
  items: number;
  created: number;
  existing: number;
  /** Items a previous run got in (the resume state), not sent again. */
  alreadyIn: number;
  /** Items the API refused. */
  rejected: number;
  /** Report entries by reason: skip rules, unreadable rows, refused items. */
  byReason: ReasonCount[];
  reportFile: string;
  stateFile: string;
  seconds: number;
  rowsPerSecond: number;
  interrupted: boolean;
}

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const { mapping } = loadMapping(options.mappingFile);
  if (mapping.kind !== options.kind)
    throw new MappingError(`The mapping ${options.mappingFile} is for ${mapping.kind}, not ${options.kind}.`);
  const mappingSha256 = createHash('sha256').update(JSON.stringify(mapping)).digest('hex');
  const facts = await examineFile(options.file, options.encoding);
  const mode = options.kind === 'orders' ? 'orders' : mapping.key !== undefined ? 'merged' : 'rows';

  const first = await openCsv(facts, mapping.delimiter);
  const bound = bindMapping(mapping, first.header);
  const survey = await surveyRows(first.rows, bound, mode === 'orders');
  if (survey.scattered) {
    const { key, firstRow, lastRow, againRow } = survey.scattered;
    throw new MappingError(
      `The rows of order '${key}' are not together: rows ${firstRow}–${lastRow}, then again at row ${againRow}. Orders are read one at a time, so an order's rows must be consecutive: sort the file by its ${mapping.fields[mapping.key as string]?.column ?? 'order'} column first. Nothing was sent.`,
    );
  }

  const { target } = options;
  const state = ResumeState.open(
    options.stateDir,
    {
      kind: options.kind,
      fileSha256: facts.sha256,
      mappingSha256,
      encoding: facts.encoding.name,
      url: target.url,
      tenant: target.tenant,
    },
    options.file,
  );
  const report = new RejectionReport(options.reportFile ?? state.path.replace(/\.json$/, '.rejected.csv'));
  options.log(
    `Importing ${options.kind} from ${options.file} (${survey.rows.toLocaleString('en-US')} rows, ${facts.encodingReason}) into ${target.url} as tenant ${target.tenant}${state.runs > 1 ? `; resuming: ${state.doneCount} items are in already` : ''}.`,
  );

  const progress = new Progress({ label: options.kind, total: survey.rows, ...options.progress });
  const counts = { created: 0, existing: 0, rejected: 0 };
  let rowsDone = 0;
  let items = 0;
  let alreadyIn = 0;
  const advance = (rows: number) => {
    rowsDone += rows;
    progress.update(rowsDone, counts);
  };

  const prefix = batchKeyPrefix(options.kind, facts.sha256, mappingSha256);
  const batcher = new Batcher(prefix, options.batchSize);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const send = async (batch: Batch) => {
    let retried = false;
    const results = await sendBatch({
      url: target.url,
      path: ENDPOINTS[options.kind],
      token: target.token,
      idempotencyKey: batch.idempotencyKey,
      items: batch.items.map((item) => item.body),
      attempts: options.attempts,
      sleep: options.sleep,
      onRetry: (attempt, why, ms, timeout) => {
        retried = true;
        const smaller = timeout && attempt === 1 ? `; batches of ${batcher.slower()} from now on` : '';
        options.log(
          `batch of items ${batch.items[0]?.index}–${batch.items.at(-1)?.index}: ${why}; retry ${attempt} in ${ms / 1000} s${smaller}`,
        );
      },
    });
    if (!retried) batcher.faster();
    const inNow: number[] = [];
    results.forEach((result, i) => {
      const item = batch.items[i] as PendingItem;
      if (result.outcome === 'rejected') {
        counts.rejected++;
        report.add(apiRejection(item, result));
      } else {
        counts[result.outcome]++;
        inNow.push(item.index);
      }
      advance(item.rows);
    });
    state.add(inNow);
    state.save();
  };
  const dispatch = async (batch: Batch) => {
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (failure) return;
    const sending: Promise<void> = send(batch)
      .catch((error) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  let interrupted = false;
  try {
    const second = await openCsv(facts, mapping.delimiter);
    for await (const event of importEvents(second.rows, bound, mode)) {
      if (failure) break;
      if (options.stop?.aborted) {
        interrupted = true;
        break;
      }
      if (event.type === 'row-problem') {
        report.add({
          row: event.row,
          key: event.key,
          reason: event.reason,
          source: event.source,
          detail: event.detail,
        });
        advance(1);
      } else if (event.type === 'item-problem') {
        items++;
        report.add({
          row: event.firstRow,
          rows: event.rows,
          key: event.key,
          reason: event.reason,
          source: 'mapping',
          detail: event.detail,
        });
        advance(event.rows);
      } else {
        items++;
        if (state.has(event.item.index)) {
          alreadyIn++;
          advance(event.item.rows);
          continue;
        }
        for (const batch of batcher.add(event.item)) await dispatch(batch);
      }
    }
    if (!interrupted && !failure) {
      const last = batcher.flush();
      if (last) await dispatch(last);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    report.close();
  }
  progress.finish();
  if (failure instanceof ImportError)
    failure.message += ` What got in is recorded (${state.doneCount} items): run the same command again to go on.`;
  if (failure) throw failure;
  const seconds = (performance.now() - started) / 1000;
  return {
    kind: options.kind,
    file: options.file,
    encoding: facts.encoding.name,
    url: target.url,
    tenant: target.tenant,
    rows: survey.rows,
    items,
    created: counts.created,
    existing: counts.existing,
    alreadyIn,
    rejected: counts.rejected,
    byReason: report.byReason(),
    reportFile: report.path,
    stateFile: state.path,
    seconds,
    rowsPerSecond: seconds > 0 ? survey.rows / seconds : 0,
    interrupted,
  };
}

/** The report's entry for an item the API refused: its problem, on the row it names when it names a line. */
export function apiRejection(item: PendingItem, result: ItemResult) {
  const problem: Problem = result.problem ?? {};
  const reason = (problem.type ?? `http-${result.status}`).split(':').at(-1) as string;
  let row = item.firstRow;
  const fields = (problem.errors ?? []).map((error) => {
    // `body.items.<i>.lines.<n>.sku` → `lines.<n>.sku`, and line n's row.
    const field = (error.field ?? '').replace(/^body\.items\.\d+\.?/, '');
    const line = /^lines\.(\d+)(\.|$)/.exec(field);
    const lineRow = line ? item.lineRows?.[Number(line[1])] : undefined;
    if (lineRow !== undefined && row === item.firstRow) row = lineRow;
    return `${field || '(item)'}${lineRow !== undefined ? ` (row ${lineRow})` : ''}: ${error.message ?? ''}`;
  });
  // The problem counts items within its batch (`body.items.7.…`): meaningless in the report.
  const said = (problem.detail ?? problem.title ?? `status ${result.status}`).replace(
    /body\.items\.\d+\.?/g,
    '',
  );
  const detail = [said, ...fields].join('; ');
  return { row, rows: item.rows, key: item.key, reason, source: 'api' as const, detail };
}

/** Where state and reports live by default: .data/imports/ of the twin's data directory. */
export const importsDir = (dataDir: string) => join(dataDir, 'imports');
