import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { UnprocessableOrderError } from '../../functions/orders/errors';
import { maxLineDiscountBps, priceOrder } from '../../functions/orders/pricing';
import type { OrderLine } from '../../functions/orders/schemas';
import type { CatalogueEntry } from '../../functions/products/catalogue';

/**
 * Pricing edges that test/unit/orders-pricing.test.ts leaves open (mutants that survived it):
 * each refusal's problem type, title and messages; half-up rounding exactly at the half; a line
 * without a discount; the largest exact total still accepted; the largest line discount.
 */
const entry = (
  sku: string,
  amountMinor: number,
  extra: Partial<CatalogueEntry> = {},
): [string, CatalogueEntry] => [
  sku,
  {
    productId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    sku,
    name: `Name ${sku}`,
    category: 'parts',
    unitPrice: { amountMinor, currency: 'EUR' },
    active: true,
    available: 100,
    ...extra,
  },
];
const AT = '2026-03-01T10:00:00.000Z';
const order = (lines: { sku: string; quantity: number; discountBps?: number }[], currency = 'EUR') => ({
  customerId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
  currency,
  lines,
});

function refusal(run: () => unknown): UnprocessableOrderError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof UnprocessableOrderError);
    return error;
  }
  assert.fail('expected a 422');
}

describe('pricing edges', () => {
  it('refuses an unknown, repeated or inactive SKU as unknown-sku, each with its message', () => {
    const catalogue = new Map([entry('A', 100), entry('OFF', 100, { active: false })]);
    const error = refusal(() =>
      priceOrder(
        order([
          { sku: 'A', quantity: 1 },
          { sku: 'NOPE', quantity: 1 },
          { sku: 'A', quantity: 2 },
          { sku: 'OFF', quantity: 1 },
        ]),
        catalogue,
        AT,
      ),
    );
    assert.equal(error.statusCode, 422);
    assert.equal(error.type, 'unknown-sku');
    assert.equal(error.title, 'A line cannot be ordered');
    assert.deepEqual(error.extensions.errors, [
      { field: 'body.lines.1.sku', message: "no product with SKU 'NOPE'" },
      { field: 'body.lines.2.sku', message: 'repeats line 0; change its quantity instead' },
      { field: 'body.lines.3.sku', message: "product 'OFF' is not for sale" },
    ]);
  });

  it('refuses a line priced in another currency as currency-mismatch, even beside an unknown SKU', () => {
    const catalogue = new Map([entry('A', 100)]);
    const error = refusal(() =>
      priceOrder(
        order(
          [
            { sku: 'NOPE', quantity: 1 },
            { sku: 'A', quantity: 1 },
          ],
          'GBP',
        ),
        catalogue,
        AT,
      ),
    );
    assert.equal(error.type, 'currency-mismatch');
    assert.equal(error.title, 'A line is priced in another currency');
    assert.deepEqual(error.extensions.errors, [
      { field: 'body.lines.0.sku', message: "no product with SKU 'NOPE'" },
      { field: 'body.lines.1.sku', message: 'priced in EUR, the order is in GBP' },
    ]);
  });

  it('rounds a discount of exactly half a minor unit up, and just below half down', () => {
    // 1 × 0.50 at 1 % = 0.005 → 0.01; 1 × 0.49 at 1 % = 0.0049 → 0.00.
    const catalogue = new Map([entry('HALF', 50), entry('BELOW', 49)]);
    const { lines, totals } = priceOrder(
      order([
        { sku: 'HALF', quantity: 1, discountBps: 100 },
        { sku: 'BELOW', quantity: 1, discountBps: 100 },
      ]),
      catalogue,
      AT,
    );
    assert.deepEqual(
      lines.map((l) => [l.discountBps, l.discountMinor, l.lineTotalMinor]),
      [
        [100, 1, 49],
        [100, 0, 49],
      ],
    );
    assert.deepEqual(totals, { subtotalMinor: 99, discountMinor: 1, totalMinor: 98 });
  });

  it('prices a line without a discount at 0 bps, and records the catalogue’s product on it', () => {
    const { lines } = priceOrder(order([{ sku: 'A', quantity: 4 }]), new Map([entry('A', 250)]), AT);
    assert.deepEqual(lines, [
      {
        lineNo: 1,
        sku: 'A',
        productId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
        name: 'Name A',
        category: 'parts',
        quantity: 4,
        unitPriceMinor: 250,
        discountBps: 0,
        discountMinor: 0,
        lineTotalMinor: 1000,
        listPriceMinor: 250,
      },
    ]);
  });

  it('accepts a total of exactly Number.MAX_SAFE_INTEGER, and names the field of one past it', () => {
    const max = new Map([entry('MAX', 9_007_199_254_740_991)]);
    const { totals } = priceOrder(order([{ sku: 'MAX', quantity: 1 }]), max, AT);
    assert.equal(totals.totalMinor, 9_007_199_254_740_991);
    const halves = new Map([entry('H', 4_503_599_627_370_496)]);
    const error = refusal(() => priceOrder(order([{ sku: 'H', quantity: 2 }]), halves, AT));
    assert.equal(error.type, 'order-too-large');
    assert.equal(error.title, 'The order total is too large');
    assert.deepEqual(error.extensions.errors, [
      { field: 'body.lines.0', message: 'the amount exceeds what can be represented exactly' },
    ]);
  });

  it('names body.lines when only the sum of lines is too large', () => {
    const big = new Map([entry('P', 4_503_599_627_370_496), entry('Q', 4_503_599_627_370_496)]);
    const error = refusal(() =>
      priceOrder(
        order([
          { sku: 'P', quantity: 1 },
          { sku: 'Q', quantity: 1 },
        ]),
        big,
        AT,
      ),
    );
    assert.deepEqual(error.extensions.errors, [
      { field: 'body.lines', message: 'the amount exceeds what can be represented exactly' },
    ]);
  });

  it('takes the largest line discount, 0 for lines without one', () => {
    const line = (discountBps: number) => ({ discountBps }) as OrderLine;
    assert.equal(maxLineDiscountBps([line(250), line(1200), line(0)]), 1200);
    assert.equal(maxLineDiscountBps([]), 0);
  });
});
