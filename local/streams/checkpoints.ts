import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where each consumer got to in each shard: the sequence number of the last record it is done
 * with (delivered, skipped by its filters, or dead-lettered), and whether the shard is finished
 * (closed and read to its end). A restart reads on after it, so it skips nothing and repeats at
 * most the batch that was in flight.
 */
export interface ShardCheckpoint {
  sequenceNumber?: string;
  finished?: boolean;
}

/** One consumer's checkpoints, for one stream: a table made again has a new stream and starts afresh. */
export interface ConsumerCheckpoints {
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
}

export interface CheckpointStore {
  load(consumer: string): ConsumerCheckpoints | undefined;
  save(consumer: string, checkpoints: ConsumerCheckpoints): void;
}

export function memoryCheckpoints(): CheckpointStore {
  const saved = new Map<string, string>();
  return {
    load: (consumer) => {
      const text = saved.get(consumer);
      return text === undefined ? undefined : (JSON.parse(text) as ConsumerCheckpoints);
    },
    save: (consumer, checkpoints) => {
      saved.set(consumer, JSON.stringify(checkpoints));
    },
  };
}

/**
 * `<dir>/checkpoints/<consumer>.json`, replaced whole on each save: written aside, flushed to
 * disk, then renamed over the old one, so a crash at any moment leaves the old file or the new
 * one, never half of either. Writes are synchronous on purpose: two shards of one consumer finish
 * batches at the same moment, and a synchronous save cannot interleave with another.
 */
export function fileCheckpoints(stateDir: string): CheckpointStore {
  const dir = join(stateDir, 'checkpoints');
  const fileOf = (consumer: string) => join(dir, `${safeFileName(consumer)}.json`);
  return {
    load: (consumer) => {
      let text: string;
      try {
        text = readFileSync(fileOf(consumer), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let parsed: ConsumerCheckpoints | undefined;
      try {
        parsed = JSON.parse(text) as ConsumerCheckpoints;
      } catch {
        // Left undefined: refused below.
      }
      if (
        typeof parsed?.streamArn !== 'string' ||
        typeof parsed.shards !== 'object' ||
        parsed.shards === null
      ) {
        // Never guessed at: starting over would deliver the whole stream again, skipping would lose records.
        throw new Error(
          `${fileOf(consumer)} is not a checkpoint file of the stream poller. Delete it to have ${consumer} ` +
            'read the stream again from its oldest record.',
        );
      }
      return parsed;
    },
    save: (consumer, checkpoints) => {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = fileOf(consumer);
      const aside = `${file}.${process.pid}.tmp`;
      const fd = openSync(aside, 'w', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(checkpoints, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(aside, file);
    },
  };
}

/** Consumer names come from the manifest; this keeps an odd one from leaving its directory. */
export function safeFileName(consumer: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(consumer)) {
    throw new Error(
      `A stream consumer's name must be letters, digits, '.', '_' or '-': ${JSON.stringify(consumer)}`,
    );
  }
  return consumer;
}
