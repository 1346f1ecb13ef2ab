import { type CsvRecord, csvRecords } from './csv-records';
import { EncodingError } from './encodings';
import { ImportError } from './errors';
import { contentBytes, type FileFacts } from './file-facts';
import type { RowProblem } from './row-mapper';

/**
 * The file's header and its rows as text, each row either its cells or the reason it cannot be
 * read: a byte its encoding does not define (`bad-encoding`), a number of fields other than the
 * header's (`wrong-field-count`), or broken quoting (`malformed-row`). One bad row never stops
 * the others, and never yields cells: what comes out is the file's content or a problem.
 */
export type CsvRow =
  | { row: number; line: number; cells: string[]; endOffset: number }
  | { row: number; line: number; problem: RowProblem; endOffset: number };

export class CsvFileError extends ImportError {
  override name = 'CsvFileError';
}

export interface CsvFile {
  header: string[];
  rows: AsyncGenerator<CsvRow>;
}

export async function openCsv(facts: FileFacts, delimiter: string): Promise<CsvFile> {
  const records = csvRecords(contentBytes(facts), { delimiter });
  const first = await records.next();
  if (first.done) throw new CsvFileError(`${facts.path} is empty: it has no header row.`);
  const header = decodeHeader(first.value, facts);
  return { header, rows: rowsOf(records, header, facts) };
}

function decodeHeader(record: CsvRecord, facts: FileFacts): string[] {
  if (record.malformed) throw new CsvFileError(`The header row is not well-formed CSV: ${record.malformed}.`);
  try {
    return record.fields.map((bytes) => facts.encoding.decode(bytes).trim());
  } catch (error) {
    if (error instanceof EncodingError)
      throw new CsvFileError(`The header row is not valid ${facts.encoding.name}: ${error.message}.`);
    throw error;
  }
}

async function* rowsOf(records: AsyncGenerator<CsvRecord>, header: string[], facts: FileFacts) {
  for await (const record of records) {
    const { row, line, endOffset } = record;
    const problem = (reason: string, detail: string): CsvRow => ({
      row,
      line,
      endOffset,
      problem: { reason, detail },
    });
    if (record.malformed) {
      yield problem('malformed-row', record.malformed);
      continue;
    }
    if (record.fields.length !== header.length) {
      yield problem(
        'wrong-field-count',
        `${record.fields.length} field${record.fields.length === 1 ? '' : 's'}, the header has ${header.length}`,
      );
      continue;
    }
    const cells: string[] = [];
    let bad: string | undefined;
    for (let i = 0; i < record.fields.length; i++) {
      try {
        cells.push(facts.encoding.decode(record.fields[i] as Buffer));
      } catch (error) {
        if (!(error instanceof EncodingError)) throw error;
        bad = `${header[i] || `field ${i + 1}`}: ${error.message} (read as ${facts.encoding.name})`;
        break;
      }
    }
    yield bad === undefined ? { row, line, endOffset, cells } : problem('bad-encoding', bad);
  }
}
