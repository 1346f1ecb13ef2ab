import { encodeTime, monotonicFactory } from 'ulid';
import * as z from 'zod';

const nextUlid = monotonicFactory();

/** ULIDs sort by creation time, which lets an id double as a list's sort key. */
export const newId = (): string => nextUlid();

export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const Ulid = z.string().regex(ULID_PATTERN, 'must be a ULID (26 characters, Crockford base32)');

/** ULIDs begin with their creation time: the lowest ('0') or highest ('Z') id of a millisecond. */
export const ulidBound = (ms: number, fill: '0' | 'Z'): string =>
  encodeTime(Math.max(0, ms), 10) + fill.repeat(16);
