import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../http/errors';
import { cursorKey } from './cursor-key';

/**
 * Opaque pagination cursors. A cursor is DynamoDB's LastEvaluatedKey tagged with the list it came
 * from, `<base64url JSON>.<base64url HMAC-SHA256 of it>` under the cursor key (`cursor-key.ts`).
 * Only cursors this API issued are accepted: a forged, altered or truncated one is a 400 on
 * `query.cursor`, never a start key DynamoDB would refuse with a 500. The MAC is compared in
 * constant time. Behind it, as defence in depth (and as the only guard against a genuine cursor
 * replayed elsewhere), the cursor must name this list, lie in the caller's own partition and hold
 * exactly this list's key attributes, each a string: a cursor of another tenant or another list is
 * refused, so it can never page into data the caller may not read.
 *
 * Rotating the key invalidates every open cursor (clients start their list again).
 */
type Key = Record<string, unknown>;

/** A 43-character MAC: 32 bytes of HMAC-SHA256 in unpadded base64url. */
const CURSOR_PATTERN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;
const MAX_VALUE_LENGTH = 1024;

export async function encodeCursor(list: string, key: Key | undefined): Promise<string | undefined> {
  if (!key) return undefined;
  const payload = Buffer.from(JSON.stringify({ l: list, k: key })).toString('base64url');
  return `${payload}.${await mac(payload)}`;
}

/**
 * The start key in `cursor`, if it is one this API issued for `list` in `partition` with exactly
 * the key `attributes` (the table's and the index's key attributes); a ValidationError otherwise.
 */
export async function decodeCursor(
  cursor: string | undefined,
  list: string,
  partition: { attribute: string; value: string },
  attributes: readonly string[],
): Promise<Key | undefined> {
  if (cursor === undefined) return undefined;
  // One message for every failure: which check refused a cursor is nobody's business.
  const invalid = () =>
    new ValidationError([{ field: 'query.cursor', message: 'is not a cursor of this list' }]);
  const [, payload, tag] = CURSOR_PATTERN.exec(cursor) ?? [];
  if (!payload || !tag) throw invalid();
  // Compared as text: base64url's last character has spare bits, so two tags can decode alike.
  if (!timingSafeEqual(Buffer.from(tag), Buffer.from(await mac(payload)))) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!decoded || typeof decoded !== 'object') throw invalid();
  const { l, k } = decoded as { l?: unknown; k?: unknown };
  if (l !== list || !k || typeof k !== 'object' || Array.isArray(k)) throw invalid();
  const key = k as Key;
  if (key[partition.attribute] !== partition.value) throw invalid();
  const names = Object.keys(key);
  if (names.length !== attributes.length || !attributes.every((name) => Object.hasOwn(key, name)))
    throw invalid();
  if (!names.every((name) => isKeyValue(key[name]))) throw invalid();
  return key;
}

/** DynamoDB refuses an empty string as a key attribute, and our keys are strings. */
const isKeyValue = (value: unknown) =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_VALUE_LENGTH;

async function mac(payload: string): Promise<string> {
  return createHmac('sha256', await cursorKey())
    .update(payload)
    .digest('base64url');
}
