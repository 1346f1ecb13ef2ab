import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { decodeCp437 } from './cp437';
import { ImportError } from './errors';
import { firstInvalidUtf8 } from './utf8';
import { INVALID_UTF16_MARK } from './utf16';

/**
 * The encodings a CSV file may be read in, each decoding one field's bytes (./csv-records.ts
 * splits records on bytes first). Decoding is strict: a byte the encoding does not define throws
 * an EncodingError, which refuses the row — never a U+FFFD or a guessed character in the data.
 *
 * - `utf8` (with or without a byte order mark): Node's native check, then its decoder.
 * - `latin1` is ISO-8859-1 proper: byte n is U+00nn. (The WHATWG label `latin1` that
 *   TextDecoder takes means windows-1252; here it does not.)
 * - `cp1252` (windows-1252): TextDecoder's, except that the five bytes Windows leaves undefined
 *   (0x81, 0x8D, 0x8F, 0x90, 0x9D) are errors, not C1 control characters.
 * - `cp437`: the DOS code page, from a table (./cp437.ts); every byte is a character.
 * - `utf16le`, `utf16be`: transcoded to UTF-8 before the split (./utf16.ts); a bad code unit
 *   arrives here as the byte 0xFF.
 * - `ascii`: seven bits; any byte over 0x7F is an error.
 * - Any other WHATWG label TextDecoder knows (`iso-8859-15`, `windows-1250`, `shift_jis`,
 *   `gbk`…), with `fatal: true` — except those whose bytes can hide a quote or a comma inside a
 *   character (ISO-2022-JP), which cannot be split as bytes.
 */
export interface Encoding {
  /** The name the importer reports. */
  name: string;
  /** UTF-16 input is transcoded to UTF-8 before records are split. */
  utf16?: 'le' | 'be';
  decode(bytes: Buffer): string;
}

export class EncodingError extends Error {
  override name = 'EncodingError';
  /** Offset of the first bad byte in the field. */
  readonly byteOffset: number;

  constructor(message: string, byteOffset: number) {
    super(message);
    this.byteOffset = byteOffset;
  }
}

export class UnknownEncodingError extends ImportError {
  override name = 'UnknownEncodingError';
}

const hexByte = (byte: number | undefined) => `0x${(byte ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;

const utf8: Encoding = {
  name: 'utf8',
  decode(bytes) {
    if (isUtf8(bytes)) return bytes.toString('utf8');
    const at = firstInvalidUtf8(bytes);
    throw new EncodingError(`byte ${hexByte(bytes[at])} at byte ${at + 1} is not valid UTF-8`, at);
  },
};

const utf16 = (order: 'le' | 'be'): Encoding => ({
  name: `utf16${order}`,
  utf16: order,
  decode(bytes) {
    if (isUtf8(bytes)) return bytes.toString('utf8');
    const at = bytes.indexOf(INVALID_UTF16_MARK);
    throw new EncodingError(
      `invalid UTF-16 at character ${bytes.subarray(0, at).toString('utf8').length + 1} (an unpaired surrogate or a lone byte)`,
      at,
    );
  },
});

const latin1: Encoding = { name: 'latin1', decode: (bytes) => bytes.toString('latin1') };

const ascii: Encoding = {
  name: 'ascii',
  decode(bytes) {
    const at = bytes.findIndex((byte) => byte > 0x7f);
    if (at >= 0) throw new EncodingError(`byte ${hexByte(bytes[at])} at byte ${at + 1} is not ASCII`, at);
    return bytes.toString('latin1');
  },
};

const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
const windows1252 = new TextDecoder('windows-1252');
const cp1252: Encoding = {
  name: 'cp1252',
  decode(bytes) {
    const at = bytes.findIndex((byte) => CP1252_UNDEFINED.has(byte));
    if (at >= 0)
      throw new EncodingError(
        `byte ${hexByte(bytes[at])} at byte ${at + 1} is not defined in windows-1252`,
        at,
      );
    return windows1252.decode(bytes);
  },
};

const cp437: Encoding = { name: 'cp437', decode: decodeCp437 };

const NAMED: Record<string, Encoding> = {
  utf8,
  'utf-8': utf8,
  latin1,
  'iso-8859-1': latin1,
  iso88591: latin1,
  l1: latin1,
  cp1252,
  'windows-1252': cp1252,
  win1252: cp1252,
  cp437,
  ibm437: cp437,
  utf16le: utf16('le'),
  'utf-16le': utf16('le'),
  // Windows' "Unicode" is little-endian; a big-endian file says so with its byte order mark.
  utf16: utf16('le'),
  'utf-16': utf16('le'),
  utf16be: utf16('be'),
  'utf-16be': utf16('be'),
  ascii,
  'us-ascii': ascii,
};
/** Encodings whose multi-byte characters may contain the bytes of `"`, `,` or a line break. */
const NOT_BYTE_SPLITTABLE = new Set(['iso-2022-jp', 'replacement']);

export const ENCODING_NAMES =
  'utf8, latin1 (ISO-8859-1), cp1252 (windows-1252), cp437, utf16le, utf16be, ascii, or any WHATWG label (iso-8859-15, windows-1250, shift_jis, gbk…)';

/** The encoding a name or label stands for; throws a message naming the ones known. */
export function encodingNamed(label: string): Encoding {
  const key = label.trim().toLowerCase();
  const named = NAMED[key];
  if (named) return named;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(key, { fatal: true });
  } catch {
    throw new UnknownEncodingError(`Unknown encoding '${label}'. Known: ${ENCODING_NAMES}.`);
  }
  const canonical = decoder.encoding;
  if (canonical.startsWith('utf-16')) return encodingNamed(canonical);
  if (canonical === 'utf-8') return utf8;
  if (NOT_BYTE_SPLITTABLE.has(canonical))
    throw new UnknownEncodingError(
      `The encoding ${canonical} cannot be read: its characters may hide quotes and commas.`,
    );
  return {
    name: canonical,
    decode(bytes) {
      try {
        return decoder.decode(bytes);
      } catch {
        // TextDecoder does not say where; find the first byte that cannot end a valid prefix.
        let good = 0;
        for (let end = 1; end <= bytes.length; end++) {
          try {
            new TextDecoder(canonical, { fatal: true }).decode(bytes.subarray(0, end));
            good = end;
          } catch {}
        }
        throw new EncodingError(
          `byte ${hexByte(bytes[good])} at byte ${good + 1} is not valid ${canonical}`,
          good,
        );
      }
    },
  };
}
