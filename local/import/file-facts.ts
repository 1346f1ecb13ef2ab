import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type Encoding, encodingNamed } from './encodings';
import { ImportError } from './errors';
import { Utf8Scanner } from './utf8';
import { utf16AsUtf8 } from './utf16';

/**
 * One read of the whole file before anything is sent: its SHA-256 (what the resume state and the
 * batches' Idempotency-Keys are keyed by) and its encoding, given or detected.
 *
 * Detection, without `--encoding`: a byte order mark says UTF-8, UTF-16LE or UTF-16BE. Without
 * one, zero bytes in every other position of the first 4 KiB say UTF-16 (text in UTF-16 is mostly
 * ASCII, whose high bytes are zero). Otherwise the bytes are checked as UTF-8: valid throughout,
 * it is UTF-8; with invalid bytes but more well-formed multi-byte characters than invalid bytes,
 * it is still UTF-8 with a few damaged rows (reading it as windows-1252 would turn every é into
 * Ã© — garbage in every row instead of an error in a few); with no well-formed multi-byte
 * character, it is windows-1252, the usual single-byte export of Windows spreadsheets, and the
 * importer says so: cp437, latin1 and the others are only ever read when given.
 */
export interface FileFacts {
  path: string;
  sha256: string;
  size: number;
  encoding: Encoding;
  /** How the encoding was decided, for the run's header line. */
  encodingReason: string;
  /** Bytes of byte order mark before the content. */
  bomLength: number;
}

const BOMS: { bytes: number[]; encoding: string }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf8' },
  { bytes: [0xff, 0xfe], encoding: 'utf16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf16be' },
];

const SNIFF_BYTES = 4096;

export async function examineFile(path: string, givenEncoding?: string): Promise<FileFacts> {
  const given = givenEncoding === undefined ? undefined : encodingNamed(givenEncoding);
  const hash = createHash('sha256');
  const utf8 = new Utf8Scanner();
  let size = 0;
  let head = Buffer.alloc(0);
  // A UTF-8 mark is a well-formed character to the scanner; a UTF-16 one decides before it counts.
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>;
  for await (const chunk of readable(stream, path)) {
    hash.update(chunk);
    utf8.push(chunk);
    size += chunk.length;
    if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
  }
  utf8.end();
  const bom = bomOf(head);
  const bomLength = bom?.bytes.length ?? 0;
  const facts = { path, sha256: hash.digest('hex'), size, bomLength };

  if (given) {
    if (bom && encodingNamed(bom.encoding).name !== given.name)
      throw new ImportError(
        `The file starts with a ${bom.encoding} byte order mark, but --encoding ${givenEncoding} was given. Leave --encoding out to read it as ${bom.encoding}.`,
      );
    return { ...facts, encoding: given, encodingReason: `${given.name} (given)` };
  }
  if (bom)
    return {
      ...facts,
      encoding: encodingNamed(bom.encoding),
      encodingReason: `${bom.encoding} (byte order mark)`,
    };
  const order = utf16Order(head.subarray(0, SNIFF_BYTES));
  if (order)
    return {
      ...facts,
      encoding: encodingNamed(`utf16${order}`),
      encodingReason: `utf16${order} (detected: zero bytes in every other position, no byte order mark)`,
    };
  if (utf8.invalid === 0)
    return { ...facts, encoding: encodingNamed('utf8'), encodingReason: 'utf8 (detected: valid UTF-8)' };
  if (utf8.multiByte > utf8.invalid)
    return {
      ...facts,
      encoding: encodingNamed('utf8'),
      encodingReason: `utf8 (detected: ${utf8.multiByte} well-formed multi-byte characters, ${utf8.invalid} invalid bytes — their rows are refused; give --encoding if the file is in another encoding)`,
    };
  return {
    ...facts,
    encoding: encodingNamed('cp1252'),
    encodingReason:
      'cp1252 (detected: not UTF-8, so read as windows-1252; give --encoding cp437, latin1… if it is another code page)',
  };
}

/** The file's chunks; a file that cannot be read is the user's to fix, said plainly. */
async function* readable(stream: AsyncIterable<Buffer>, path: string) {
  try {
    yield* stream;
  } catch (error) {
    throw new ImportError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

function bomOf(head: Buffer) {
  return BOMS.find(({ bytes }) => bytes.every((byte, i) => head[i] === byte));
}

/** UTF-16 without a mark: mostly-ASCII text has a zero in every other byte. */
function utf16Order(sample: Buffer): 'le' | 'be' | undefined {
  if (sample.length < 4) return undefined;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 ? zeroOdd++ : zeroEven++;
  const pairs = Math.floor(sample.length / 2);
  if (zeroOdd >= pairs * 0.3 && zeroEven < pairs * 0.05) return 'le';
  if (zeroEven >= pairs * 0.3 && zeroOdd < pairs * 0.05) return 'be';
  return undefined;
}

/** The file's content bytes after its byte order mark, UTF-16 transcoded to UTF-8. */
export function contentBytes(facts: FileFacts): AsyncIterable<Buffer> {
  const stream = createReadStream(facts.path, {
    start: facts.bomLength,
    highWaterMark: 64 * 1024,
  }) as AsyncIterable<Buffer>;
  return facts.encoding.utf16 ? utf16AsUtf8(stream, facts.encoding.utf16) : stream;
}
