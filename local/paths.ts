import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the twin keeps what it persists: git-ignored, never committed. */
export const DATA_DIR = join(fileURLToPath(new URL('..', import.meta.url)), '.data');
export const DYNAMODB_DATA_DIR = join(DATA_DIR, 'dynamodb');
export const SIGNING_KEY_FILE = join(DATA_DIR, 'dev-signing-key.json');
