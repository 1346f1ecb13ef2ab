import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the twin keeps what it persists: `.data/` in the repository (git-ignored, never
 * committed), or the directory ORDERLY_DATA_DIR names (tests run a whole `npm start` in a
 * temporary one).
 */
export const DATA_DIR = process.env.ORDERLY_DATA_DIR
  ? resolve(process.env.ORDERLY_DATA_DIR)
  : join(fileURLToPath(new URL('..', import.meta.url)), '.data');
export const DYNAMODB_DATA_DIR = join(DATA_DIR, 'dynamodb');
export const SIGNING_KEY_FILE = join(DATA_DIR, 'dev-signing-key.json');
/** The key that signs pagination cursors (local/cursor-key.ts): random, mode 0600, created on first start. */
export const CURSOR_KEY_FILE = join(DATA_DIR, 'cursor-key');
/** The key that seals stored secrets in place of KMS (functions/shared/secrets/sealed-secret.ts): random, mode 0600. */
export const SECRET_KEY_FILE = join(DATA_DIR, 'secret-key');
/** The stream poller's checkpoints (last sequence number per consumer and shard) and its dead-letter store. */
export const STREAMS_DIR = join(DATA_DIR, 'streams');
/** The running twin's control socket (`npm run job`): a Unix socket inside the owner-only data directory. */
export const CONTROL_SOCKET = process.env.ORDERLY_CONTROL_SOCKET
  ? resolve(process.env.ORDERLY_CONTROL_SOCKET)
  : join(DATA_DIR, 'twin.sock');
/** The local EventBridge bus's archive: every domain event the twin published, one JSON line each. */
export const EVENT_ARCHIVE = join(DATA_DIR, 'eventbridge', 'events.jsonl');
