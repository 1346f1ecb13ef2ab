/**
 * `npm run -s dlq -- [consumer] [--json] [--dir <state dir>]` lists the dead letters of the twin's
 * stream poller (local/streams/): the batches of stream records a consumer gave up on, after their
 * retries or because they were too old, oldest first, with the records' keys and the last error.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AttributeValue } from 'aws-lambda';
import { STREAMS_DIR } from './paths';
import { type DeadLetter, readDeadLetters } from './streams/dead-letters';

const USAGE = `Usage: npm run -s dlq -- [consumer] [--json] [--dir <state dir>]

Lists the dead letters of the local twin's stream consumers: batches of the domain table's stream
that a consumer (a stream function of the manifest) gave up on, because its retries were exhausted
or because the records were older than its maxRecordAgeSeconds. Oldest first.

  consumer      only this consumer's dead letters
  --json        each dead letter as it is kept, one JSON object a line (Lambda's on-failure record,
                plus the records and the last error)
  --dir <dir>   the stream poller's state directory (default: ${STREAMS_DIR})`;

let parsed: ReturnType<typeof parse>;
const parse = () =>
  parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      dir: { type: 'string', default: STREAMS_DIR },
      help: { type: 'boolean', short: 'h' },
    },
  });
try {
  parsed = parse();
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length > 1) usage('Name one consumer at most.');
const consumer = positionals[0];

let found: ReturnType<typeof readDeadLetters>;
try {
  found = readDeadLetters(values.dir, consumer);
} catch (error) {
  usage((error as Error).message);
}
const { letters, unreadable } = found;
const where = join(values.dir, 'dead-letters');
if (unreadable > 0) {
  console.error(
    `${unreadable} line(s) in ${where} could not be read (an append cut short by a crash?); skipped.`,
  );
}

if (letters.length === 0) {
  const none = `No dead letters${consumer ? ` of ${consumer}` : ''} in ${where}.`;
  if (values.json) console.error(none);
  else console.log(none);
} else if (values.json) {
  for (const letter of letters) console.log(JSON.stringify(letter));
} else {
  for (const letter of letters) console.log(describe(letter));
  const perConsumer = new Map<string, number>();
  for (const letter of letters) perConsumer.set(letter.consumer, (perConsumer.get(letter.consumer) ?? 0) + 1);
  const counts = [...perConsumer].map(([name, count]) => `${name} ${count}`).join(', ');
  console.log(`${letters.length} dead letter(s) (${counts}) in ${where}.`);
}

function describe(letter: DeadLetter): string {
  const { requestContext: request, DDBStreamBatchInfo: batch } = letter;
  const lines = [
    `${letter.timestamp}  ${letter.consumer}  ${request.condition} after ${request.approximateInvokeCount} invocation(s)`,
    `  shard     ${batch.shardId}`,
    `  sequence  ${batch.startSequenceNumber} … ${batch.endSequenceNumber} (${batch.batchSize} record(s), written ${batch.approximateArrivalOfFirstRecord} … ${batch.approximateArrivalOfLastRecord})`,
  ];
  if (letter.error) lines.push(`  error     ${letter.error.name}: ${letter.error.message}`);
  letter.records.forEach((record, i) => {
    const keys = Object.entries(record.dynamodb?.Keys ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}=${scalar(value)}`)
      .join(' ');
    lines.push(
      `  ${i === 0 ? 'records ' : '        '}  ${record.dynamodb?.SequenceNumber} ${record.eventName} ${keys}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** A key attribute is a string, a number or a binary (base64 in the event). */
function scalar(value: AttributeValue): string {
  return String(value.S ?? value.N ?? value.B ?? JSON.stringify(value));
}

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}
