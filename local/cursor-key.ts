import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The twin's key for signing pagination cursors (functions/shared/db/cursor.ts): 32 random bytes
 * as base64url. `npm start` keeps it under the data directory so cursors outlive a restart, as
 * they outlive a deployment in AWS; a twin without one (tests) makes a fresh key. Deleting the
 * file rotates the key: every open cursor is refused from then on (400 on `query.cursor`).
 */
export function newCursorKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Loads the key from `file`, creating it (mode 0600) on first use. */
export function loadOrCreateCursorKey(file: string): string {
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length < 32) throw new Error(`${file} does not hold a cursor key; delete it to make a new one`);
    return key;
  }
  const key = newCursorKey();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
