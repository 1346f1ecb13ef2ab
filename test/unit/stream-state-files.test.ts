import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { fileCheckpoints } from '../../local/streams/checkpoints';
import { deadLetterOf, fileDeadLetters, readDeadLetters } from '../../local/streams/dead-letters';

/** The poller's files under its state directory (`.data/streams/` for npm start). */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderly-stream-state-'));
  dirs.push(dir);
  return dir;
};
const STREAM = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

const letter = (consumer: string, sequenceNumber: string, at: number) =>
  deadLetterOf({
    consumer,
    functionArn: `arn:aws:lambda:local:000000000000:function:${consumer}`,
    streamArn: STREAM,
    shardId: 'shardId-1',
    records: [
      { eventName: 'INSERT', dynamodb: { SequenceNumber: sequenceNumber, ApproximateCreationDateTime: 1 } },
    ],
    condition: 'RetryAttemptsExhausted',
    invocations: 4,
    error: { name: 'Error', message: 'boom', thrown: true },
    now: at,
  });

describe('checkpoint files', () => {
  it('a saved checkpoint reads back; the file is replaced whole, owner-only, with nothing left aside', () => {
    const dir = stateDir();
    const store = fileCheckpoints(dir);
    assert.equal(store.load('relay'), undefined);
    store.save('relay', { streamArn: STREAM, shards: { 'shardId-1': { sequenceNumber: '5' } } });
    store.save('relay', {
      streamArn: STREAM,
      shards: { 'shardId-1': { sequenceNumber: '9', finished: true } },
    });
    assert.deepEqual(store.load('relay'), {
      streamArn: STREAM,
      shards: { 'shardId-1': { sequenceNumber: '9', finished: true } },
    });
    assert.deepEqual(readdirSync(join(dir, 'checkpoints')), ['relay.json']);
    assert.equal(statSync(join(dir, 'checkpoints', 'relay.json')).mode & 0o777, 0o600);
  });

  it('a file that is not a checkpoint is refused with what to do, never guessed at', () => {
    const dir = stateDir();
    mkdirSync(join(dir, 'checkpoints'));
    for (const content of ['{"streamArn": "arn', '{"shards": {}}', 'null']) {
      writeFileSync(join(dir, 'checkpoints', 'relay.json'), content);
      assert.throws(
        () => fileCheckpoints(dir).load('relay'),
        /relay\.json is not a checkpoint file .* Delete it/,
      );
    }
  });

  it('a consumer name cannot lead out of the state directory', () => {
    assert.throws(() => fileCheckpoints(stateDir()).load('../escape'), /letters, digits/);
  });
});

describe('dead-letter files', () => {
  it('kept per consumer as JSON lines, listed oldest first, for one consumer or all', () => {
    const dir = stateDir();
    const store = fileDeadLetters(dir);
    store.add(letter('b', '2', 2000));
    store.add(letter('a', '1', 1000));
    store.add(letter('b', '3', 3000));
    assert.deepEqual(readdirSync(join(dir, 'dead-letters')).sort(), ['a.jsonl', 'b.jsonl']);
    assert.deepEqual(
      store.list().map((l) => l.DDBStreamBatchInfo.startSequenceNumber),
      ['1', '2', '3'],
    );
    assert.deepEqual(
      store.list('b').map((l) => l.DDBStreamBatchInfo.startSequenceNumber),
      ['2', '3'],
    );
    assert.deepEqual(store.list('c'), []);
    assert.equal(statSync(join(dir, 'dead-letters', 'a.jsonl')).mode & 0o777, 0o600);
  });

  it('a line cut short by a crash is counted and skipped, not fatal', () => {
    const dir = stateDir();
    fileDeadLetters(dir).add(letter('a', '1', 1000));
    appendFileSync(join(dir, 'dead-letters', 'a.jsonl'), '{"requestContext": {"req');
    const { letters, unreadable } = readDeadLetters(dir);
    assert.equal(letters.length, 1);
    assert.equal(unreadable, 1);
  });

  it('no directory yet means no dead letters', () => {
    assert.deepEqual(readDeadLetters(stateDir()), { letters: [], unreadable: 0 });
  });
});
