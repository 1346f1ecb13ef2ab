import { ValidationError } from '../http/errors';

/**
 * Opaque pagination cursors. A cursor is DynamoDB's LastEvaluatedKey, tagged with the list it
 * came from. On the way back it is checked against the caller's own partition: a cursor from
 * another tenant or another list is refused, so it can never page into data the caller may not read.
 */
type Key = Record<string, unknown>;

export function encodeCursor(list: string, key: Key | undefined): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify({ l: list, k: key })).toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  list: string,
  partition: { attribute: string; value: string },
): Key | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    new ValidationError([{ field: 'query.cursor', message: 'is not a cursor of this list' }]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!decoded || typeof decoded !== 'object') throw invalid();
  const { l, k } = decoded as { l?: unknown; k?: unknown };
  if (l !== list || !k || typeof k !== 'object') throw invalid();
  const key = k as Key;
  if (key[partition.attribute] !== partition.value) throw invalid();
  if (!Object.values(key).every((v) => typeof v === 'string' && v.length <= 1024)) throw invalid();
  return key;
}
