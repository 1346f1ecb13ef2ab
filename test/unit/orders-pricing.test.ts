import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { UnprocessableOrderError } from '../../functions/orders/errors';
import { formatOrderNumber, priceOrder } from '../../functions/orders/pricing';
import type { CatalogueEntry } from '../../functions/products/catalogue';

const entry = (
  sku: string,
  amountMinor: number,
  extra: Partial<CatalogueEntry> = {},
): [string, CatalogueEntry] => [
  sku,
  {
    productId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    sku,
    name: sku,
    category: 'parts',
    unitPrice: { amountMinor, currency: 'EUR' },
    active: true,
    available: 100,
    ...extra,
  },
];
const AT = '2026-03-01T10:00:00.000Z';
const catalogue = new Map([entry('A', 1999), entry('B', 1), entry('OLD', 100, { active: false })]);
const order = (lines: { sku: string; quantity: number; discountBps?: number }[]) => ({
  customerId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
  currency: 'EUR',
  lines,
});

describe('pricing an order', () => {
  it('prices in integer minor units with discounts rounded half up per line', () => {
    const { lines, totals } = priceOrder(
      order([
        { sku: 'A', quantity: 3, discountBps: 1500 },
        { sku: 'B', quantity: 1, discountBps: 5000 },
      ]),
      catalogue,
      AT,
    );
    // 59.97 × 15% = 8.9955 → 9.00; 0.01 × 50% = 0.005 → 0.01.
    assert.deepEqual(
      lines.map((l) => [l.lineNo, l.discountMinor, l.lineTotalMinor]),
      [
        [1, 900, 5097],
        [2, 1, 0],
      ],
    );
    assert.deepEqual(totals, { subtotalMinor: 5998, discountMinor: 901, totalMinor: 5097 });
  });

  it('names every line that cannot be priced', () => {
    assert.throws(
      () =>
        priceOrder(
          order([
            { sku: 'NOPE', quantity: 1 },
            { sku: 'OLD', quantity: 1 },
            { sku: 'NOPE', quantity: 2 },
          ]),
          catalogue,
          AT,
        ),
      (error: unknown) => {
        assert.ok(error instanceof UnprocessableOrderError);
        assert.deepEqual(
          (error.extensions.errors as { field: string }[]).map((e) => e.field),
          ['body.lines.0.sku', 'body.lines.1.sku', 'body.lines.2.sku', 'body.lines.2.sku'],
        );
        return true;
      },
    );
  });

  it('refuses a total that cannot be represented exactly', () => {
    const huge = new Map([entry('BIG', Number.MAX_SAFE_INTEGER)]);
    assert.throws(
      () => priceOrder(order([{ sku: 'BIG', quantity: 2 }]), huge, AT),
      /exceeds what can be represented exactly/,
    );
  });

  it('records each line’s list price: the price before a cut within the last 24 h, else the price', () => {
    const cut = new Map([
      entry('CUT', 1_250, { priceBefore: { amountMinor: 2_500, changedAt: '2026-02-28T10:00:00.000Z' } }),
      entry('OLDCUT', 1_250, { priceBefore: { amountMinor: 2_500, changedAt: '2026-02-28T09:59:59.999Z' } }),
      entry('PLAIN', 1_999),
    ]);
    const { lines, totals } = priceOrder(
      order([
        { sku: 'CUT', quantity: 2 },
        { sku: 'OLDCUT', quantity: 1 },
        { sku: 'PLAIN', quantity: 1 },
      ]),
      cut,
      AT,
    );
    assert.deepEqual(
      lines.map((l) => [l.sku, l.unitPriceMinor, l.listPriceMinor, l.lineTotalMinor]),
      [
        ['CUT', 1_250, 2_500, 2_500],
        ['OLDCUT', 1_250, 1_250, 1_250],
        ['PLAIN', 1_999, 1_999, 1_999],
      ],
    );
    assert.equal(totals.totalMinor, 5_749, 'the order is priced at today’s prices all the same');
  });

  it('records who changed a line’s product terms, within 30 days before the order', () => {
    const changed = (at: string) => new Map([entry('A', 1_000, { termsChange: { at, by: 'ann' } })]);
    const lineOf = (at: string) => priceOrder(order([{ sku: 'A', quantity: 1 }]), changed(at), AT).lines[0];
    assert.deepEqual(
      [
        lineOf('2026-01-30T10:00:00.000Z')?.termsChangedAt,
        lineOf('2026-01-30T10:00:00.000Z')?.termsChangedBy,
      ],
      ['2026-01-30T10:00:00.000Z', 'ann'],
    );
    const older = lineOf('2026-01-30T09:59:59.999Z');
    assert.equal(older?.termsChangedAt, undefined);
    assert.equal(older?.termsChangedBy, undefined);
  });

  it('numbers orders SO-year-sequence with six digits', () => {
    assert.equal(formatOrderNumber(2026, 1), 'SO-2026-000001');
    assert.equal(formatOrderNumber(2026, 123456), 'SO-2026-123456');
  });
});
