import { ImportError } from './errors';

/**
 * RFC 4180 records read from bytes, not text: the delimiter, the quote and the line breaks are
 * ASCII, and in every encoding the importer reads as bytes (UTF-8, ISO-8859-x, windows-125x,
 * cp437, Shift_JIS, GBK…) an ASCII byte stands for that character only, never for part of
 * another one. So records are split before anything is decoded, and each field is decoded on its
 * own (./encodings.ts): a byte that is wrong for the encoding spoils its row, not the file, and
 * the scan pass (./file-scan.ts) counts rows without decoding a thing. UTF-16 is transcoded to
 * UTF-8 first (./utf16.ts).
 *
 * What is read: fields separated by the delimiter; records ended by CRLF, LF or a lone CR; a field
 * that starts with `"` is quoted and may hold delimiters, line breaks and `""` (one quote). What is
 * tolerated: a quote inside an unquoted field is kept as text (`12" RULER`), as spreadsheets
 * write it. What is refused, for that row only: text after a closing quote (`"a"b`), and a quote
 * never closed before the end of the file. A record longer than `maxRecordBytes` (an unclosed
 * quote swallowing the file) stops the import: nothing after it can be read as rows.
 */

export interface CsvRecord {
  /** The row a spreadsheet shows: 1 is the header, blank lines count. */
  row: number;
  /** The line of the file the record starts on (later than `row` when quoted fields span lines). */
  line: number;
  /** Each field's bytes, quotes removed and `""` made one quote. */
  fields: Buffer[];
  /** Why the record is not well-formed CSV, when it is not. */
  malformed?: string;
  /** Bytes of the (transcoded) input consumed up to the end of this record: progress. */
  endOffset: number;
}

export class CsvTooLongError extends ImportError {
  override name = 'CsvTooLongError';
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export interface CsvReaderOptions {
  delimiter?: string;
  maxRecordBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Push chunks in, get whole records out. A record cut by a chunk boundary is kept (as bytes) and
 * parsed again from its start when the next chunk arrives: simple, and linear as long as records
 * are small next to chunks (64 KiB reads; a record is capped at `maxRecordBytes`).
 */
export class CsvRecordReader {
  private readonly delimiter: number;
  private readonly maxRecordBytes: number;
  private carry: Buffer = Buffer.alloc(0);
  private consumed = 0;
  private row = 0;
  private line = 1;

  constructor(options: CsvReaderOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7e || '"\r\n'.includes(delimiter))
      throw new Error(`The delimiter must be one ASCII character other than a quote or a line break.`);
    this.delimiter = delimiter.charCodeAt(0);
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  push(chunk: Buffer): CsvRecord[] {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    return this.drain(data, false);
  }

  end(): CsvRecord[] {
    return this.drain(this.carry, true);
  }

  private drain(data: Buffer, final: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    let pos = 0;
    while (pos < data.length) {
      const parsed = this.parseRecord(data, pos, final);
      if (!parsed) break;
      this.row++;
      const startLine = this.line;
      this.line += parsed.lineBreaks;
      this.consumed += parsed.end - pos;
      pos = parsed.end;
      // A blank line is a row (the spreadsheet shows it) but no record.
      if (parsed.fields.length === 1 && parsed.fields[0]?.length === 0 && !parsed.quoted) continue;
      records.push({
        row: this.row,
        line: startLine,
        fields: parsed.fields,
        ...(parsed.malformed ? { malformed: parsed.malformed } : {}),
        endOffset: this.consumed,
      });
    }
    this.carry = data.subarray(pos);
    if (!final && this.carry.length > this.maxRecordBytes) {
      throw new CsvTooLongError(
        `Row ${this.row + 1} (line ${this.line}) runs past ${this.maxRecordBytes} bytes without ending: a quoted field is probably never closed. Nothing after it can be read as rows.`,
      );
    }
    return records;
  }

  /** One record from `start`, or undefined when `data` ends before it does (and more may come). */
  private parseRecord(data: Buffer, start: number, final: boolean) {
    const fields: Buffer[] = [];
    let malformed: string | undefined;
    let lineBreaks = 0;
    let quoted = false;
    let pos = start;
    for (;;) {
      // One field from pos.
      if (data[pos] === QUOTE) {
        quoted = true;
        const parts: Buffer[] = [];
        let from = pos + 1;
        let i = from;
        let closed = false;
        while (i < data.length) {
          const byte = data[i];
          if (byte === QUOTE) {
            if (i + 1 >= data.length && !final) return undefined; // `"` then `"`? wait for the next byte
            if (data[i + 1] === QUOTE) {
              parts.push(data.subarray(from, i + 1));
              i += 2;
              from = i;
              continue;
            }
            parts.push(data.subarray(from, i));
            i++;
            closed = true;
            break;
          }
          if (byte === LF || (byte === CR && data[i + 1] !== LF)) lineBreaks++;
          i++;
        }
        if (!closed) {
          if (!final) return undefined;
          parts.push(data.subarray(from, i));
          malformed ??= `a quoted field (field ${fields.length + 1}) is never closed: the file ends inside it`;
          fields.push(Buffer.concat(parts));
          return { fields, end: i, lineBreaks, malformed, quoted };
        }
        // After the closing quote: a delimiter, a line break or the end. Anything else is text
        // after the quote, kept (so the row's fields stay aligned) but the row is refused.
        let j = i;
        while (j < data.length && data[j] !== this.delimiter && data[j] !== LF && data[j] !== CR) j++;
        if (j === data.length && !final) return undefined;
        if (j > i) {
          malformed ??= `text after the closing quote of field ${fields.length + 1}`;
          parts.push(data.subarray(i, j));
        }
        fields.push(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
        pos = j;
      } else {
        let j = pos;
        while (j < data.length && data[j] !== this.delimiter && data[j] !== LF && data[j] !== CR) j++;
        if (j === data.length && !final) return undefined;
        fields.push(data.subarray(pos, j));
        pos = j;
      }
      // After a field.
      if (pos >= data.length) return { fields, end: pos, lineBreaks, malformed, quoted };
      const byte = data[pos];
      if (byte === this.delimiter) {
        pos++;
        if (pos >= data.length && !final) return undefined;
        continue;
      }
      if (byte === CR) {
        if (pos + 1 >= data.length && !final) return undefined; // CR then LF?
        const end = data[pos + 1] === LF ? pos + 2 : pos + 1;
        return { fields, end, lineBreaks: lineBreaks + 1, malformed, quoted };
      }
      return { fields, end: pos + 1, lineBreaks: lineBreaks + 1, malformed, quoted }; // LF
    }
  }
}

/** Every record of a byte stream (a file's read stream, or a transcoded one). */
export async function* csvRecords(
  source: AsyncIterable<Buffer>,
  options: CsvReaderOptions = {},
): AsyncGenerator<CsvRecord> {
  const reader = new CsvRecordReader(options);
  for await (const chunk of source) yield* reader.push(chunk);
  yield* reader.end();
}
