/**
 * UTF-16 (Excel's "Unicode text") turned into UTF-8 before records are split: in UTF-16 the
 * delimiter and the line breaks are two bytes each, so the byte-level reader (./csv-records.ts)
 * cannot see them. What is not UTF-16 — an unpaired surrogate, an odd last byte — becomes the
 * byte 0xFF, which no UTF-8 text holds: the field's decoding then refuses its row (and only its
 * row), exactly as it refuses a bad byte in a UTF-8 file.
 */
export const INVALID_UTF16_MARK = 0xff;

export class Utf16ToUtf8 {
  private readonly littleEndian: boolean;
  private odd: number | undefined;
  private highSurrogate: number | undefined;

  constructor(byteOrder: 'le' | 'be') {
    this.littleEndian = byteOrder === 'le';
  }

  push(chunk: Uint8Array): Buffer {
    const out: number[] = [];
    let i = 0;
    if (this.odd !== undefined && chunk.length > 0) {
      this.unit(this.pair(this.odd, chunk[0] as number), out);
      this.odd = undefined;
      i = 1;
    }
    for (; i + 1 < chunk.length; i += 2)
      this.unit(this.pair(chunk[i] as number, chunk[i + 1] as number), out);
    if (i < chunk.length) this.odd = chunk[i];
    return Buffer.from(out);
  }

  end(): Buffer {
    const out: number[] = [];
    if (this.highSurrogate !== undefined) out.push(INVALID_UTF16_MARK);
    if (this.odd !== undefined) out.push(INVALID_UTF16_MARK);
    this.highSurrogate = undefined;
    this.odd = undefined;
    return Buffer.from(out);
  }

  private pair(first: number, second: number): number {
    return this.littleEndian ? first | (second << 8) : (first << 8) | second;
  }

  private unit(unit: number, out: number[]): void {
    if (this.highSurrogate !== undefined) {
      const high = this.highSurrogate;
      this.highSurrogate = undefined;
      if (unit >= 0xdc00 && unit <= 0xdfff) {
        utf8(0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00), out);
        return;
      }
      out.push(INVALID_UTF16_MARK); // a high surrogate without its low one
    }
    if (unit >= 0xd800 && unit <= 0xdbff) this.highSurrogate = unit;
    else if (unit >= 0xdc00 && unit <= 0xdfff) out.push(INVALID_UTF16_MARK);
    else utf8(unit, out);
  }
}

function utf8(code: number, out: number[]): void {
  if (code < 0x80) out.push(code);
  else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
  else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  else
    out.push(
      0xf0 | (code >> 18),
      0x80 | ((code >> 12) & 0x3f),
      0x80 | ((code >> 6) & 0x3f),
      0x80 | (code & 0x3f),
    );
}

/** A UTF-16 byte stream as UTF-8 chunks. */
export async function* utf16AsUtf8(source: AsyncIterable<Buffer>, byteOrder: 'le' | 'be') {
  const transcoder = new Utf16ToUtf8(byteOrder);
  for await (const chunk of source) yield transcoder.push(chunk);
  const tail = transcoder.end();
  if (tail.length) yield tail;
}
