/**
 * UTF-8 checked byte by byte, as the WHATWG decoder does (overlong forms, surrogates and code
 * points past U+10FFFF are invalid), but counting instead of replacing: how many multi-byte
 * characters were well-formed and how many bytes were not. Streams across chunk boundaries.
 * The counts decide whether a file without a byte order mark is UTF-8 (./detect-encoding.ts);
 * `firstInvalidUtf8` says where a field goes wrong, for the row's error.
 */
export class Utf8Scanner {
  /** Well-formed characters of 2–4 bytes. */
  multiByte = 0;
  /** Bytes that are not part of any well-formed character. */
  invalid = 0;
  /** Offset (from the first byte pushed) of the first invalid byte, -1 while there is none. */
  firstInvalid = -1;
  private needed = 0;
  private seen = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private offset = 0;
  private sequenceStart = 0;

  push(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      if (this.needed === 0) {
        if (byte < 0x80) continue;
        this.sequenceStart = this.offset + i;
        if (byte >= 0xc2 && byte <= 0xdf) this.needed = 1;
        else if (byte >= 0xe0 && byte <= 0xef) {
          if (byte === 0xe0) this.lower = 0xa0;
          if (byte === 0xed) this.upper = 0x9f; // no surrogates
          this.needed = 2;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          if (byte === 0xf0) this.lower = 0x90;
          if (byte === 0xf4) this.upper = 0x8f; // nothing past U+10FFFF
          this.needed = 3;
        } else this.bad(this.offset + i);
        continue;
      }
      if (byte < this.lower || byte > this.upper) {
        // The sequence broke off: its bytes so far are invalid, and this byte starts afresh.
        this.bad(this.sequenceStart, this.seen + 1);
        this.reset();
        i--;
        continue;
      }
      this.lower = 0x80;
      this.upper = 0xbf;
      this.seen++;
      if (this.seen === this.needed) {
        this.multiByte++;
        this.reset();
      }
    }
    this.offset += bytes.length;
  }

  /** The input ended: a sequence still open is invalid. */
  end(): void {
    if (this.needed > 0) this.bad(this.sequenceStart, this.seen + 1);
    this.reset();
  }

  private bad(at: number, count = 1): void {
    this.invalid += count;
    if (this.firstInvalid < 0) this.firstInvalid = at;
  }

  private reset(): void {
    this.needed = 0;
    this.seen = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
  }
}

/** Where `bytes` stop being UTF-8, or -1 when they are UTF-8 throughout. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const scanner = new Utf8Scanner();
  scanner.push(bytes);
  scanner.end();
  return scanner.firstInvalid;
}
