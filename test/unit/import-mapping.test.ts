import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'vitest';
import type { CsvRow } from '../../local/import/csv-rows';
import {
  compareDecimals,
  type Decimal,
  minorUnits,
  parseDecimal,
  wholeNumber,
} from '../../local/import/decimal';
import { type ImportEvent, importEvents } from '../../local/import/items';
import { datePattern, instantOf, readWallTime } from '../../local/import/local-time';
import { loadMapping, type Mapping, mappingJsonSchema, parseMapping } from '../../local/import/mapping';
import { FieldTally } from '../../local/import/pick';
import { bindMapping, MissingColumnsError, OMIT } from '../../local/import/row-mapper';
import { surveyRows } from '../../local/import/survey';

const mapping = (json: object): Mapping => parseMapping(json);

async function* rowsFrom(lines: (string[] | { problem: string })[]): AsyncGenerator<CsvRow> {
  let row = 1;
  for (const line of lines) {
    row++;
    if (Array.isArray(line)) yield { row, line: row, cells: line, endOffset: 0 };
    else yield { row, line: row, problem: { reason: line.problem, detail: 'unreadable' }, endOffset: 0 };
  }
}

async function events(m: Mapping, header: string[], lines: (string[] | { problem: string })[]) {
  const mode = m.kind === 'orders' ? 'orders' : m.key ? 'merged' : 'rows';
  const out: ImportEvent[] = [];
  for await (const event of importEvents(rowsFrom(lines), bindMapping(m, header), mode)) out.push(event);
  return out;
}

describe('decimals, read exactly', () => {
  it('minor units by shifting digits, never by floating-point multiplication', () => {
    assert.equal(minorUnits('2.55', 2), 255); // 2.55 * 100 = 254.99999999999997 in binary
    assert.equal(minorUnits('1.1', 2), 110);
    assert.equal(minorUnits('0.29', 2), 29);
    assert.equal(minorUnits('4.35', 2), 435);
    assert.equal(minorUnits('165', 2), 16500);
    assert.equal(minorUnits('.5', 2), 50);
    assert.equal(minorUnits('-3.10', 2), -310);
    assert.equal(minorUnits('1.500', 2), 150, 'trailing zeros need no rounding');
    assert.equal(minorUnits('1234', 0), 1234);
    assert.equal(minorUnits('1.234,56', 2, { decimalSeparator: ',', thousandsSeparator: '.' }), 123456);
    assert.equal(minorUnits('1,234.56', 2, { thousandsSeparator: ',' }), 123456);
    assert.match(String(minorUnits('2.555', 2)), /more than 2 decimals: minor units would need rounding/);
    assert.match(String(minorUnits('12,34', 2, { thousandsSeparator: ',' })), /misplaced ','/);
    for (const bad of ['', 'abc', '1.2.3', '5.', '1e3', '0x10', '--1'])
      assert.equal(typeof minorUnits(bad, 2), 'string', bad);
    assert.match(String(minorUnits('99999999999999999', 2)), /too large/);
  });

  it('whole numbers and exact comparisons', () => {
    assert.equal(wholeNumber('6'), 6);
    assert.equal(wholeNumber('6.0'), 6);
    assert.equal(wholeNumber('-12'), -12);
    assert.match(String(wholeNumber('6.5')), /not a whole number/);
    const d = (text: string) => parseDecimal(text) as Decimal;
    assert.equal(compareDecimals(d('0.10'), d('0.1')), 0);
    assert.equal(compareDecimals(d('-0.01'), d('0')), -1);
    assert.equal(compareDecimals(d('10'), d('9.999')), 1);
  });
});

describe('dates in a time zone', () => {
  const at = (text: string, format: string, zone: string) => {
    const read = readWallTime(text, datePattern(format));
    return typeof read === 'string' ? read : instantOf(read.wall, zone, read.offset);
  };

  it('reads a pattern as wall-clock time in the zone, summer and winter', () => {
    assert.equal(
      at('2010-12-01 08:26:00', 'YYYY-MM-DD HH:mm:ss', 'Europe/London'),
      '2010-12-01T08:26:00.000Z',
    );
    assert.equal(
      at('2011-06-01 08:26:00', 'YYYY-MM-DD HH:mm:ss', 'Europe/London'),
      '2011-06-01T07:26:00.000Z',
    );
    assert.equal(at('12/1/2010 8:26', 'M/D/YYYY H:mm', 'Europe/London'), '2010-12-01T08:26:00.000Z');
    assert.equal(at('01.12.2010', 'DD.MM.YYYY', 'Europe/Berlin'), '2010-11-30T23:00:00.000Z');
    assert.equal(
      at('2021-11-07 01:30:00', 'YYYY-MM-DD HH:mm:ss', 'Asia/Kolkata'),
      '2021-11-06T20:00:00.000Z',
    );
  });

  it('resolves daylight-saving gaps and overlaps as Temporal’s compatible does', () => {
    // London springs forward at 01:00 GMT: 01:30 never happens, it is moved on by the gap (02:30 BST).
    assert.equal(
      at('2021-03-28 01:30:00', 'YYYY-MM-DD HH:mm:ss', 'Europe/London'),
      '2021-03-28T01:30:00.000Z',
    );
    // It falls back at 02:00 BST: 01:30 happens twice, the earlier (BST) is taken.
    assert.equal(
      at('2021-10-31 01:30:00', 'YYYY-MM-DD HH:mm:ss', 'Europe/London'),
      '2021-10-31T00:30:00.000Z',
    );
    assert.equal(
      at('2021-03-14 02:30:00', 'YYYY-MM-DD HH:mm:ss', 'America/New_York'),
      '2021-03-14T07:30:00.000Z',
    );
    assert.equal(
      at('2021-11-07 01:30:00', 'YYYY-MM-DD HH:mm:ss', 'America/New_York'),
      '2021-11-07T05:30:00.000Z',
    );
  });

  it('ISO texts with an offset are that instant; without one, wall-clock time in the zone', () => {
    assert.equal(at('2010-12-01T08:26:00+01:00', 'ISO', 'UTC'), '2010-12-01T07:26:00.000Z');
    assert.equal(at('2010-12-01T08:26:00Z', 'ISO', 'Europe/Paris'), '2010-12-01T08:26:00.000Z');
    assert.equal(at('2010-12-01T08:26:00.5', 'ISO', 'Europe/Paris'), '2010-12-01T07:26:00.500Z');
  });

  it('refuses what is not a date, and patterns that cannot be one', () => {
    assert.match(at('2011-02-29 00:00:00', 'YYYY-MM-DD HH:mm:ss', 'UTC'), /not a date: day 29 of month 2/);
    assert.match(at('2010-13-01 00:00:00', 'YYYY-MM-DD HH:mm:ss', 'UTC'), /month 13/);
    assert.match(at('2010-12-01 24:00:00', 'YYYY-MM-DD HH:mm:ss', 'UTC'), /hour 24/);
    assert.match(at('1/12/10', 'D/M/YYYY', 'UTC'), /does not match the date pattern/);
    assert.throws(() => datePattern('HH:mm'), /has no year/);
    assert.throws(() => datePattern('YYYY-MM-DD-DD'), /names the day twice/);
  });
});

describe('mapping files', () => {
  it('the shipped mappings are valid, and the schema prints as JSON Schema', () => {
    const dir = new URL('../../data/mappings/', import.meta.url);
    const files = readdirSync(dir);
    assert.ok(files.length >= 3);
    for (const name of files) assert.ok(loadMapping(new URL(name, dir).pathname).mapping.kind);
    const schema = mappingJsonSchema() as { properties: Record<string, unknown> };
    for (const key of ['kind', 'skip', 'key', 'fields', 'lines']) assert.ok(schema.properties[key], key);
  });

  it('says what is wrong, where', () => {
    const refuse = (json: object, message: RegExp) => assert.throws(() => parseMapping(json), message);
    refuse({ kind: 'orders', fields: {} }, /key: orders need a key.*\n.*lines: orders need lines/s);
    refuse({ kind: 'invoices', fields: {} }, /kind: /);
    refuse(
      { kind: 'products', fields: { sku: { column: 'a', const: 'b' } } },
      /exactly one of column, template or const/,
    );
    refuse(
      { kind: 'products', fields: { at: { column: 'a', type: 'datetime' } } },
      /fields.at.format: a datetime needs a format/,
    );
    refuse({ kind: 'products', fields: { at: { column: 'a', type: 'date', format: 'HH' } } }, /has no year/);
    refuse({ kind: 'products', timeZone: 'Mars/Olympus', fields: {} }, /IANA time zone/);
    refuse({ kind: 'products', fields: { 'a..b': { column: 'a' } } }, /a field of the API item/);
    refuse(
      { kind: 'products', fields: { a: { column: 'x' }, 'a.b': { column: 'y' } } },
      /'a' is also an object/,
    );
    refuse({ kind: 'products', key: 'sku', fields: { sku: { const: 'X' } } }, /key must come from the file/);
    refuse({ kind: 'products', key: 'nope', fields: {} }, /the key 'nope' is not a field/);
    refuse({ kind: 'products', lines: {}, fields: {} }, /only orders have lines/);
    refuse({ kind: 'products', skip: [{ reason: 'x', column: 'a' }], fields: {} }, /needs a condition/);
    refuse(
      { kind: 'products', skip: [{ reason: 'Bad Reason', column: 'a', empty: true }], fields: {} },
      /a slug/,
    );
    refuse(
      { kind: 'products', skip: [{ reason: 'x', column: 'a', matches: '(' }], fields: {} },
      /regular expression/,
    );
    refuse({ kind: 'products', fields: {}, extra: 1 }, /extra|Unrecognized/);
  });

  it('a missing column stops the import before anything is sent, naming it and a near miss', () => {
    const m = mapping({
      kind: 'customers',
      skip: [{ reason: 'no-id', column: 'Id', empty: true }],
      fields: { externalRef: { column: 'Id' }, name: { template: '{First} {Last}' } },
    });
    assert.throws(
      () => bindMapping(m, ['id', 'First']),
      (error: unknown) =>
        error instanceof MissingColumnsError &&
        /lacks the columns the mapping needs: Id \(the file has id\), Last\. Its columns: id, First\./.test(
          error.message,
        ),
    );
    assert.throws(() => bindMapping(m, ['Id', 'First', 'Last', 'Id']), /more than one column named Id/);
  });
});

describe('rows into items', () => {
  it('typed transforms: trim, case, map, default, optional, constants, templates, lists, booleans, nested fields', async () => {
    const m = mapping({
      kind: 'products',
      fields: {
        sku: { column: 'Code', case: 'upper' },
        name: { template: '{Name} ({Code})' },
        'unitPrice.amountMinor': { column: 'Price', type: 'minor' },
        'unitPrice.currency': { const: 'GBP' },
        category: { column: 'Cat', default: 'General', map: { Toys: 'Games', Old: null } },
        active: { column: 'Active', type: 'boolean' },
        tags: { column: 'Tags', type: 'list', separator: '|', optional: true },
      },
    });
    const header = ['Code', 'Name', 'Price', 'Cat', 'Active', 'Tags'];
    const out = await events(m, header, [
      [' 15056bl ', 'Parasol', '2.55', 'Toys', 'yes', 'a| b |'],
      ['x1', 'Cup', '0.29', '', 'FALSE', ''],
      ['x2', 'Jug', '1', 'Old', '1', ''],
    ]);
    assert.deepEqual(
      out.map((e) => (e.type === 'item' ? e.item.body : e)),
      [
        {
          sku: '15056BL',
          name: 'Parasol (15056bl)',
          unitPrice: { amountMinor: 255, currency: 'GBP' },
          category: 'Games',
          active: true,
          tags: ['a', 'b'],
        },
        {
          sku: 'X1',
          name: 'Cup (x1)',
          unitPrice: { amountMinor: 29, currency: 'GBP' },
          category: 'General',
          active: false,
        },
        { sku: 'X2', name: 'Jug (x2)', unitPrice: { amountMinor: 100, currency: 'GBP' }, active: true },
      ],
    );
  });

  it('a field set only with another: a constant currency beside an optional amount', async () => {
    const m = mapping({
      kind: 'needs',
      fields: {
        title: { column: 'Title' },
        'estimatedValue.amountMinor': { column: 'Value', type: 'minor', optional: true },
        'estimatedValue.currency': { const: 'EUR', with: 'estimatedValue.amountMinor' },
      },
    });
    const out = await events(
      m,
      ['Title', 'Value'],
      [
        ['a', '12.50'],
        ['b', ''],
      ],
    );
    assert.deepEqual(
      out.map((e) => e.type === 'item' && e.item.body),
      [{ title: 'a', estimatedValue: { amountMinor: 1250, currency: 'EUR' } }, { title: 'b' }],
    );
    assert.throws(
      () => parseMapping({ kind: 'needs', fields: { a: { const: 1, with: 'b' } } }),
      /fields.a.with: 'b' is not another field of fields/,
    );
  });

  it('skip rules: the first that matches names the reason; conditions are exact, case-folded when asked', async () => {
    const m = mapping({
      kind: 'products',
      skip: [
        { reason: 'credit-note', column: 'Invoice', startsWith: 'C', ignoreCase: true },
        { reason: 'missing-customer', column: 'Customer', empty: true },
        { reason: 'non-product-code', column: 'Code', in: ['POST', 'BANK CHARGES'], ignoreCase: true },
        { reason: 'non-product-code', column: 'Code', matches: '^gift_', ignoreCase: true },
        { reason: 'non-positive-quantity', column: 'Qty', lte: 0 },
        { reason: 'small', column: 'Qty', gt: 0, lt: '0.5' },
        { reason: 'exact', column: 'Code', equals: 'X' },
      ],
      fields: { sku: { column: 'Code' }, quantity: { column: 'Qty', type: 'integer' } },
    });
    const out = await events(
      m,
      ['Invoice', 'Customer', 'Code', 'Qty'],
      [
        ['c536379', '1', 'A', '1'],
        ['536380', ' ', 'A', '1'],
        ['536381', '1', 'post', '1'],
        ['536382', '1', 'Gift_0001_40', '1'],
        ['536383', '1', 'A', '0'],
        ['536384', '1', 'A', '-0.00'],
        ['536385', '1', 'A', '0.25'],
        ['536386', '1', 'X', '1'],
        ['536387', '1', 'A', 'abc'],
        ['536388', '1', 'A', '6'],
      ],
    );
    assert.deepEqual(
      out.map((e) => (e.type === 'row-problem' ? `${e.row} ${e.reason} (${e.source}): ${e.detail}` : e.type)),
      [
        "2 credit-note (skip-rule): Invoice 'c536379' starts with 'C'",
        '3 missing-customer (skip-rule): Customer is empty',
        "4 non-product-code (skip-rule): Code 'post' is in the list",
        "5 non-product-code (skip-rule): Code 'Gift_0001_40' matches /^gift_/",
        "6 non-positive-quantity (skip-rule): Qty '0' ≤ 0",
        "7 non-positive-quantity (skip-rule): Qty '-0.00' ≤ 0",
        "8 small (skip-rule): Qty '0.25' < 0.5 and > 0",
        "9 exact (skip-rule): Code 'X' is 'X'",
        "10 unparseable-number (file): Qty: 'abc' is not a number",
        'item',
      ],
    );
  });

  it('a cell that does not read as its type refuses its row, with the column and why', async () => {
    const m = mapping({
      kind: 'needs',
      fields: {
        title: { column: 'Title' },
        receivedAt: { column: 'When', type: 'datetime', format: 'YYYY-MM-DD' },
        'estimatedValue.amountMinor': { column: 'Value', type: 'minor' },
        urgent: { column: 'Urgent', type: 'boolean' },
      },
    });
    const out = await events(
      m,
      ['Title', 'When', 'Value', 'Urgent'],
      [
        ['', '2024-01-01', '1', 'y'],
        ['t', '2024-02-30', '1', 'y'],
        ['t', '2024-01-01', '1.234', 'y'],
        ['t', '2024-01-01', '1', 'maybe'],
        ['t', '2024-01-01', '1', 'n'],
      ],
    );
    assert.deepEqual(
      out.map((e) =>
        e.type === 'row-problem' ? `${e.reason}: ${e.detail}` : e.type === 'item' && e.item.index,
      ),
      [
        'missing-value: Title is empty',
        "unparseable-date: When: '2024-02-30' is not a date: day 30 of month 2",
        "unparseable-number: Value: '1.234' has more than 2 decimals: minor units would need rounding",
        "unparseable-boolean: Urgent: 'maybe' is not true/false, yes/no or 1/0",
        0,
      ],
    );
  });

  const ordersMapping = mapping({
    kind: 'orders',
    timeZone: 'Europe/London',
    skip: [
      { reason: 'credit-note', column: 'Invoice', startsWith: 'C' },
      { reason: 'non-product-code', column: 'Code', in: ['POST'] },
    ],
    key: 'externalRef',
    fields: {
      externalRef: { column: 'Invoice' },
      customerRef: { column: 'Customer' },
      currency: { const: 'GBP' },
      status: { const: 'CLOSED' },
      orderedAt: { column: 'Date', type: 'datetime', format: 'YYYY-MM-DD HH:mm', pick: 'min' },
      closedAt: { column: 'Date', type: 'datetime', format: 'YYYY-MM-DD HH:mm', pick: 'max' },
    },
    lines: {
      sku: { column: 'Code', case: 'upper' },
      quantity: { column: 'Qty', type: 'integer' },
      unitPriceMinor: { column: 'Price', type: 'minor' },
    },
  });
  const header = ['Invoice', 'Customer', 'Code', 'Qty', 'Price', 'Date'];

  it('orders: consecutive rows of an invoice make one order, its lines at their own prices, dates picked', async () => {
    const out = await events(ordersMapping, header, [
      ['536365', '17850', '85123a', '6', '2.55', '2010-12-01 16:57'],
      ['536365', '17850', 'POST', '1', '18', '2010-12-01 16:57'],
      ['536365', '17850', '85123A', '2', '2.95', '2010-12-01 16:58'],
      ['C536366', '17850', '85123A', '-1', '2.55', '2010-12-01 17:00'],
      ['536367', '13047', '71053', '1', '3.39', '2010-12-02 09:00'],
    ]);
    assert.deepEqual(
      out.map((e) =>
        e.type === 'item'
          ? { index: e.item.index, lineRows: e.item.lineRows, ...e.item.body }
          : `${e.type} ${e.type !== 'item-problem' && e.row} ${e.reason}`,
      ),
      [
        'row-problem 3 non-product-code',
        // A skipped row is reported as it is read; the order when its last row is.
        'row-problem 5 credit-note',
        {
          index: 0,
          lineRows: [2, 4],
          externalRef: '536365',
          customerRef: '17850',
          currency: 'GBP',
          status: 'CLOSED',
          orderedAt: '2010-12-01T16:57:00.000Z',
          closedAt: '2010-12-01T16:58:00.000Z',
          lines: [
            { sku: '85123A', quantity: 6, unitPriceMinor: 255 },
            { sku: '85123A', quantity: 2, unitPriceMinor: 295 },
          ],
        },
        {
          index: 1,
          lineRows: [6],
          externalRef: '536367',
          customerRef: '13047',
          currency: 'GBP',
          status: 'CLOSED',
          orderedAt: '2010-12-02T09:00:00.000Z',
          closedAt: '2010-12-02T09:00:00.000Z',
          lines: [{ sku: '71053', quantity: 1, unitPriceMinor: 339 }],
        },
      ],
    );
  });

  it('orders come in whole or not at all: a refused row, an unreadable row inside or beside it, or disagreeing rows refuse the order', async () => {
    const out = await events(ordersMapping, header, [
      ['1', 'c1', 'A', '1', '1.00', '2010-12-01 10:00'],
      ['1', 'c1', 'B', 'two', '1.00', '2010-12-01 10:00'],
      ['2', 'c2', 'A', '1', '1.00', '2010-12-01 10:00'],
      { problem: 'bad-encoding' }, // between orders 2 and 3: either one's
      ['3', 'c3', 'A', '1', '1.00', '2010-12-01 10:00'],
      ['4', 'c4', 'A', '1', '1.00', '2010-12-01 10:00'],
      ['4', 'c5', 'A', '1', '1.00', '2010-12-01 10:00'],
      ['5', 'c6', 'A', '1', '1.00', '2010-12-01 10:00'],
    ]);
    assert.deepEqual(
      out.map((e) =>
        e.type === 'item'
          ? `item ${e.item.key}`
          : e.type === 'item-problem'
            ? `order ${e.key} (${e.rows} rows from ${e.firstRow}) ${e.reason}: ${e.detail}`
            : `row ${e.row} ${e.reason}`,
      ),
      [
        'row 3 unparseable-number',
        'order 1 (1 rows from 2) incomplete-order: row 3 was refused (unparseable-number), so the order is not imported: an order comes in whole or not at all',
        'row 5 bad-encoding',
        'order 2 (1 rows from 4) incomplete-order: row 5 was refused (bad-encoding), so the order is not imported: an order comes in whole or not at all',
        'order 3 (1 rows from 6) incomplete-order: row 5 was refused (bad-encoding), so the order is not imported: an order comes in whole or not at all',
        "order 4 (2 rows from 7) conflicting-values: customerRef differs between rows: 'c4' (row 7) and 'c5' (row 8)",
        'item 5',
      ],
    );
  });

  it('merged items: rows of one key anywhere in the file, fields picked, empty cells not candidates, first-seen order', async () => {
    const m = mapping({
      kind: 'customers',
      key: 'externalRef',
      fields: {
        externalRef: { column: 'Id' },
        name: { template: 'Customer {Id}' },
        'address.country': {
          column: 'Country',
          pick: 'mostCommon',
          optional: true,
          map: { EIRE: 'IE', 'Channel Islands': null },
        },
        email: { column: 'Email', pick: 'last', optional: true },
        phone: { column: 'Phone' },
      },
    });
    const out = await events(
      m,
      ['Id', 'Country', 'Email', 'Phone'],
      [
        ['12370', 'Cyprus', 'a@x', '1'],
        ['17850', 'EIRE', '', '2'],
        ['12370', 'Austria', 'b@x', '1'],
        ['12370', 'Cyprus', '', '1'],
        ['13000', 'Channel Islands', '', '3'],
        ['17850', 'EIRE', '', ''],
        ['14000', 'Spain', '', ''],
        ['15000', 'Spain', '', '5'],
        ['15000', 'Spain', '', '6'],
      ],
    );
    assert.deepEqual(
      out.map((e) =>
        e.type === 'item'
          ? [e.item.index, e.item.rows, e.item.body]
          : [e.type === 'item-problem' && e.index, e.reason, e.detail],
      ),
      [
        [
          0,
          3,
          {
            externalRef: '12370',
            name: 'Customer 12370',
            address: { country: 'Cyprus' },
            email: 'b@x',
            phone: '1',
          },
        ],
        [1, 2, { externalRef: '17850', name: 'Customer 17850', address: { country: 'IE' }, phone: '2' }],
        [2, 1, { externalRef: '13000', name: 'Customer 13000', phone: '3' }],
        [3, 'missing-value', 'Phone is empty on every row of this item'],
        [4, 'conflicting-values', "phone differs between rows: '5' (row 9) and '6' (row 10)"],
      ],
    );
  });

  it('picks: same, first, last, min, max, mostCommon with ties to the later value', () => {
    const pick = (kind: ConstructorParameters<typeof FieldTally>[0], values: (string | number)[]) => {
      const tally = new FieldTally(kind);
      for (const [i, value] of values.entries()) tally.add(value, i + 2);
      tally.add(OMIT, 99);
      return tally.result('f');
    };
    assert.deepEqual(pick('first', [3, 1, 2]), { value: 3 });
    assert.deepEqual(pick('last', [3, 1, 2]), { value: 2 });
    assert.deepEqual(pick('min', [3, 1, 2]), { value: 1 });
    assert.deepEqual(pick('max', ['2010-12-01T16:57:00.000Z', '2010-12-01T16:58:00.000Z']), {
      value: '2010-12-01T16:58:00.000Z',
    });
    assert.deepEqual(pick('mostCommon', [295, 255, 255, 295]), { value: 295 }, 'a tie: the later');
    assert.deepEqual(pick('mostCommon', [295, 255, 255]), { value: 255 });
    assert.deepEqual(pick('same', [1, 1]), { value: 1 });
    assert.deepEqual(pick('same', []), { value: OMIT });
    assert.deepEqual(pick(undefined, [1, 2]), {
      conflict: 'f differs between rows: 1 (row 2) and 2 (row 3)',
    });
  });

  it('the survey counts rows and refuses orders whose rows are not together, before anything is sent', async () => {
    const bound = bindMapping(ordersMapping, header);
    const row = (invoice: string): string[] => [invoice, 'c', 'A', '1', '1', '2010-12-01 10:00'];
    assert.deepEqual(
      await surveyRows(rowsFrom([row('1'), row('1'), row('C9'), row('2'), { problem: 'x' }]), bound, true),
      {
        rows: 5,
      },
    );
    assert.deepEqual(await surveyRows(rowsFrom([row('1'), row('1'), row('2'), row('1')]), bound, true), {
      rows: 4,
      scattered: { key: '1', firstRow: 2, lastRow: 3, againRow: 5 },
    });
    assert.deepEqual(await surveyRows(rowsFrom([row('1'), row('2'), row('1')]), bound, false), { rows: 3 });
  });
});
