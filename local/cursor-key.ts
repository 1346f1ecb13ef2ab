import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { newLocalSecretKey } from '../functions/shared/secrets/sealed-secret';
import { readPrivateFile, writePrivateFile } from './private-files';

/**
 * The twin's key for signing pagination cursors (functions/shared/db/cursor.ts): 32 random bytes
 * as base64url. `npm start` keeps it under the data directory so cursors outlive a restart, as
 * they outlive a deployment in AWS; a twin without one (tests) makes a fresh key. Deleting the
 * file rotates the key: every open cursor is refused from then on (400 on `query.cursor`).
 */
export function newCursorKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Loads the key from `file`, creating it (mode 0600) on first use; refuses a file others may read. */
export function loadOrCreateCursorKey(file: string): string {
  const key = (existsSync(file) ? readPrivateFile(file) : writePrivateFile(file, newCursorKey())).trim();
  if (key.length < 32) throw new Error(`${file} does not hold a cursor key; delete it to make a new one`);
  return key;
}

/**
 * The twin's stand-in for the KMS key that seals stored secrets (webhook and partner secrets):
 * kept like the cursor key. Deleting it makes every sealed secret unreadable: endpoints and
 * partner sources must then be given new secrets (rotate-secret).
 */
export function loadOrCreateSecretKey(file: string): string {
  const key = (existsSync(file) ? readPrivateFile(file) : writePrivateFile(file, newLocalSecretKey())).trim();
  if (Buffer.from(key, 'base64url').length !== 32)
    throw new Error(`${file} does not hold a secret key; delete it to make a new one`);
  return key;
}
