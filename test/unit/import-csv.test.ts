import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { CP437_HIGH, decodeCp437 } from '../../local/import/cp437';
import { CsvRecordReader, CsvTooLongError } from '../../local/import/csv-records';
import { type CsvRow, openCsv } from '../../local/import/csv-rows';
import { EncodingError, encodingNamed } from '../../local/import/encodings';
import { examineFile } from '../../local/import/file-facts';
import { firstInvalidUtf8, Utf8Scanner } from '../../local/import/utf8';
import { Utf16ToUtf8 } from '../../local/import/utf16';

const dir = mkdtempSync(join(tmpdir(), 'orderly-import-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
const file = (bytes: Buffer | string) => {
  const path = join(dir, `f${fileCount++}.csv`);
  writeFileSync(path, bytes);
  return path;
};

/** Records as text: each chunk boundary placement must give the same answer. */
function recordsOf(input: string | Buffer, chunkSize = Number.POSITIVE_INFINITY, delimiter = ',') {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input, 'utf8');
  const reader = new CsvRecordReader({ delimiter });
  const out = [];
  for (let i = 0; i < bytes.length; i += Math.min(chunkSize, bytes.length))
    out.push(...reader.push(bytes.subarray(i, i + Math.min(chunkSize, bytes.length))));
  out.push(...reader.end());
  return out.map((r) => ({
    row: r.row,
    line: r.line,
    fields: r.fields.map((f) => f.toString('utf8')),
    ...(r.malformed ? { malformed: r.malformed } : {}),
  }));
}

async function rowsOf(path: string, encoding?: string) {
  const facts = await examineFile(path, encoding);
  const csv = await openCsv(facts, ',');
  const rows: CsvRow[] = [];
  for await (const row of csv.rows) rows.push(row);
  return { facts, header: csv.header, rows };
}

describe('RFC 4180 records, read from bytes', () => {
  const tricky = 'a,b,c\r\n1,"two, with comma","three ""quoted"""\r\n"multi\nline",x,\r\n\r\nlast,"",z';

  it('reads quoted commas, quotes and line breaks, CRLF and LF, empty fields, blank lines and a last line without a break', () => {
    const expected = [
      { row: 1, line: 1, fields: ['a', 'b', 'c'] },
      { row: 2, line: 2, fields: ['1', 'two, with comma', 'three "quoted"'] },
      { row: 3, line: 3, fields: ['multi\nline', 'x', ''] },
      // row 4 is the blank line: counted (a spreadsheet shows it), not a record
      { row: 5, line: 6, fields: ['last', '', 'z'] },
    ];
    assert.deepEqual(recordsOf(tricky), expected);
    // Every chunk size, down to one byte: a record cut anywhere reads the same.
    for (const size of [1, 2, 3, 5, 7, 16])
      assert.deepEqual(recordsOf(tricky, size), expected, `chunks of ${size}`);
  });

  it('takes LF, CRLF and a lone CR as line ends, and another delimiter when told', () => {
    assert.deepEqual(
      recordsOf('a;b\rc;"d;e"\n').map((r) => r.fields),
      [['a;b'], ['c;"d;e"']],
    );
    assert.deepEqual(
      recordsOf('a;b\rc;"d;e"\n', 1, ';').map((r) => r.fields),
      [
        ['a', 'b'],
        ['c', 'd;e'],
      ],
    );
    assert.throws(() => new CsvRecordReader({ delimiter: '"' }), /delimiter/);
  });

  it('keeps a quote inside an unquoted field as text, and refuses text after a closing quote or a quote never closed', () => {
    const records = recordsOf('RECORD FRAME 7" SINGLE,1\n"ab"c,2\nok,3\n"never closed,4\n');
    assert.deepEqual(records[0]?.fields, ['RECORD FRAME 7" SINGLE', '1']);
    assert.equal(records[0]?.malformed, undefined);
    assert.match(records[1]?.malformed ?? '', /text after the closing quote of field 1/);
    assert.deepEqual(records[1]?.fields, ['abc', '2'], 'the fields stay aligned');
    assert.deepEqual(records[2]?.fields, ['ok', '3']);
    assert.match(records[3]?.malformed ?? '', /never closed/);
    assert.equal(records.length, 4);
  });

  it('stops at a record longer than the limit (an unclosed quote swallowing the file)', () => {
    const reader = new CsvRecordReader({ maxRecordBytes: 64 });
    reader.push(Buffer.from('a,b\n'));
    assert.throws(() => reader.push(Buffer.from(`"${'x'.repeat(100)}`)), CsvTooLongError);
  });
});

describe('encodings', () => {
  it('cp437: the DOS code page from its table, every byte a character', () => {
    assert.equal(CP437_HIGH.length, 128);
    // 0x80 Ç, 0x81 ü, 0x9C £, 0xE1 ß, 0xB0 ░, 0xFF no-break space (unicode.org's CP437.TXT)
    assert.equal(decodeCp437(Buffer.from([0x80, 0x81, 0x9c, 0xe1, 0xb0, 0xff, 0x41])), 'Çü£ß░\u00a0A');
  });

  it('latin1 is ISO-8859-1 proper, cp1252 refuses the bytes Windows leaves undefined', () => {
    assert.equal(encodingNamed('latin1').decode(Buffer.from([0xe9, 0x80])), 'é\u0080');
    assert.equal(encodingNamed('ISO-8859-1').name, 'latin1');
    assert.equal(encodingNamed('cp1252').decode(Buffer.from([0xe9, 0x80])), 'é€');
    assert.throws(
      () => encodingNamed('windows-1252').decode(Buffer.from([0x41, 0x81])),
      /0x81 at byte 2 is not defined/,
    );
  });

  it('utf8 refuses invalid bytes and says where; other WHATWG labels are strict too', () => {
    const utf8 = encodingNamed('utf-8');
    assert.equal(utf8.decode(Buffer.from('Zoë', 'utf8')), 'Zoë');
    assert.throws(
      () => utf8.decode(Buffer.from([0x5a, 0x6f, 0xeb])),
      (error: unknown) => {
        assert.ok(error instanceof EncodingError);
        assert.equal(error.byteOffset, 2);
        assert.match(error.message, /0xEB at byte 3 is not valid UTF-8/);
        return true;
      },
    );
    assert.equal(encodingNamed('iso-8859-15').decode(Buffer.from([0xa4])), '€');
    assert.throws(
      () => encodingNamed('shift_jis').decode(Buffer.from([0x41, 0x81, 0x20])),
      /not valid shift_jis/,
    );
    assert.throws(() => encodingNamed('ascii').decode(Buffer.from([0x41, 0xe9])), /not ASCII/);
    assert.throws(() => encodingNamed('klingon'), /Unknown encoding 'klingon'. Known: utf8/);
    assert.throws(() => encodingNamed('iso-2022-jp'), /cannot be read/);
  });

  it('UTF-8 validation counts well-formed characters and bad bytes across chunk boundaries', () => {
    const scanner = new Utf8Scanner();
    const bytes = Buffer.from('é€😀', 'utf8');
    for (const byte of bytes) scanner.push(Buffer.from([byte]));
    scanner.push(Buffer.from([0xc3, 0x41])); // a broken sequence, then A
    scanner.push(Buffer.from([0xed, 0xa0, 0x80])); // a surrogate: not UTF-8
    scanner.push(Buffer.from([0xc0, 0xaf])); // an overlong /
    scanner.end();
    assert.equal(scanner.multiByte, 3);
    assert.equal(scanner.invalid, 1 + 3 + 2);
    assert.equal(scanner.firstInvalid, bytes.length);
    assert.equal(firstInvalidUtf8(Buffer.from('ok', 'utf8')), -1);
    assert.equal(firstInvalidUtf8(Buffer.from([0x41, 0xe2, 0x82])), 1, 'a sequence cut by the end');
  });

  it('UTF-16 becomes UTF-8, surrogate pairs joined, and a bad code unit becomes a byte no UTF-8 holds', () => {
    const le = new Utf16ToUtf8('le');
    const text = 'a,é\n😀';
    const input = Buffer.from(text, 'utf16le');
    const out = Buffer.concat([...input].map((byte) => le.push(Buffer.from([byte]))).concat(le.end()));
    assert.equal(out.toString('utf8'), text);
    const be = new Utf16ToUtf8('be');
    const lone = Buffer.concat([be.push(Buffer.from([0x00, 0x41, 0xd8, 0x3d, 0x00, 0x42])), be.end()]);
    assert.deepEqual([...lone], [0x41, 0xff, 0x42]);
  });
});

describe('a file: encoding detected or given, rows or row-level errors', () => {
  const csv = 'name,city\r\nZoë,Köln\r\nAna,Lisboa\r\n';

  it('UTF-8 with a byte order mark: the mark is not part of the first column name', async () => {
    const { facts, header, rows } = await rowsOf(
      file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)])),
    );
    assert.equal(facts.encoding.name, 'utf8');
    assert.equal(facts.bomLength, 3);
    assert.match(facts.encodingReason, /byte order mark/);
    assert.deepEqual(header, ['name', 'city']);
    assert.deepEqual(
      rows.map((r) => ('cells' in r ? r.cells : r.problem)),
      [
        ['Zoë', 'Köln'],
        ['Ana', 'Lisboa'],
      ],
    );
  });

  it('UTF-16LE with its mark, and without one (zero bytes in every other position)', async () => {
    for (const bytes of [
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]),
      Buffer.from(csv, 'utf16le'),
    ]) {
      const { facts, rows } = await rowsOf(file(bytes));
      assert.equal(facts.encoding.name, 'utf16le');
      assert.deepEqual('cells' in (rows[0] as CsvRow) ? (rows[0] as { cells: string[] }).cells : [], [
        'Zoë',
        'Köln',
      ]);
    }
    const be = await rowsOf(
      file(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(csv, 'utf16le').swap16()])),
    );
    assert.equal(be.facts.encoding.name, 'utf16be');
    assert.deepEqual((be.rows[1] as { cells: string[] }).cells, ['Ana', 'Lisboa']);
  });

  it('latin1 bytes without a mark: not UTF-8, so read as windows-1252, and it says so', async () => {
    const { facts, rows } = await rowsOf(file(Buffer.from(csv, 'latin1')));
    assert.equal(facts.encoding.name, 'cp1252');
    assert.match(facts.encodingReason, /not UTF-8/);
    assert.deepEqual((rows[0] as { cells: string[] }).cells, ['Zoë', 'Köln']);
  });

  it('cp437 when given: ë is 0x89, ö is 0x94', async () => {
    const bytes = Buffer.from('name,city\r\nZo\x89,K\x94ln\r\n', 'latin1');
    const { facts, rows } = await rowsOf(file(bytes), 'cp437');
    assert.equal(facts.encodingReason, 'cp437 (given)');
    assert.deepEqual((rows[0] as { cells: string[] }).cells, ['Zoë', 'Köln']);
  });

  it('a UTF-8 file with one damaged byte stays UTF-8: that row is refused (bad-encoding), the others read', async () => {
    const bytes = Buffer.concat([
      Buffer.from('name,city\nZoë,Köln\nJosé,Málaga\n', 'utf8'),
      Buffer.from('Bad,K', 'utf8'),
      Buffer.from([0xf6]),
      Buffer.from('ln\nAna,Lisboa\n', 'utf8'),
    ]);
    const { facts, rows } = await rowsOf(file(bytes));
    assert.equal(facts.encoding.name, 'utf8');
    assert.match(facts.encodingReason, /4 well-formed multi-byte characters, 1 invalid bytes/);
    assert.deepEqual(
      rows.map((r) => ('cells' in r ? r.cells[0] : r.problem.reason)),
      ['Zoë', 'José', 'bad-encoding', 'Ana'],
    );
    const bad = rows[2] as { row: number; problem: { detail: string } };
    assert.equal(bad.row, 4);
    assert.match(bad.problem.detail, /^city: byte 0xF6 at byte 2 is not valid UTF-8 \(read as utf8\)$/);
  });

  it('a row with the wrong number of fields or broken quoting is refused on its own; a bad header or an empty file stops', async () => {
    const { rows } = await rowsOf(file('a,b\n1,2,3\n"x"y,2\n4\n5,6\n'));
    assert.deepEqual(
      rows.map((r) => ('cells' in r ? r.cells : `${r.row} ${r.problem.reason}: ${r.problem.detail}`)),
      [
        '2 wrong-field-count: 3 fields, the header has 2',
        '3 malformed-row: text after the closing quote of field 1',
        '4 wrong-field-count: 1 field, the header has 2',
        ['5', '6'],
      ],
    );
    await assert.rejects(rowsOf(file('')), /is empty: it has no header row/);
    await assert.rejects(
      rowsOf(file(Buffer.from([0x61, 0x81, 0x0a, 0x31, 0x0a])), 'cp1252'),
      /header row is not valid cp1252/,
    );
    await assert.rejects(rowsOf(file('"a,b\n')), /header row is not well-formed CSV/);
  });

  it('an encoding given against the file’s byte order mark is refused', async () => {
    const path = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    await assert.rejects(
      examineFile(path, 'latin1'),
      /utf8 byte order mark, but --encoding latin1 was given/,
    );
    assert.equal((await examineFile(path, 'utf8')).bomLength, 3);
  });

  it('hashes the file: the same bytes, the same SHA-256', async () => {
    const a = await examineFile(file(csv));
    const b = await examineFile(file(csv));
    const c = await examineFile(file(`${csv} `));
    assert.equal(a.sha256, b.sha256);
    assert.notEqual(a.sha256, c.sha256);
    assert.equal(a.size, Buffer.byteLength(csv));
  });
});
