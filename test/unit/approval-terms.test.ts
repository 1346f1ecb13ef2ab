import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  belowListBps,
  changedWithin,
  listPriceMinor,
  nextPriceBefore,
  PRICE_LOOKBACK_SECONDS,
} from '../../functions/approvals/terms';

const T = Date.parse('2026-03-01T10:00:00.000Z');
const HOUR = 3_600_000;
/** The instant `hours` after T, as stored. */
const at = (hours: number) => new Date(T + hours * HOUR).toISOString();
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

describe('a product’s price before its latest change (priceBefore)', () => {
  it('is 24 hours, in seconds', () => {
    assert.equal(PRICE_LOOKBACK_SECONDS, 86_400);
  });

  it('records the price a first change left, with the change’s time', () => {
    assert.deepEqual(nextPriceBefore(eur(10_000), eur(8_000), undefined, at(0)), {
      amountMinor: 10_000,
      changedAt: at(0),
    });
  });

  it('keeps the highest price across a price cut in steps less than 24 h apart, however long the chain', () => {
    const first = nextPriceBefore(eur(10_000), eur(8_000), undefined, at(0));
    const second = nextPriceBefore(eur(8_000), eur(6_000), first ?? undefined, at(20));
    assert.deepEqual(second, { amountMinor: 10_000, changedAt: at(20) });
    const third = nextPriceBefore(eur(6_000), eur(5_000), second ?? undefined, at(40));
    assert.deepEqual(third, { amountMinor: 10_000, changedAt: at(40) }, 'the chain spans 40 h');
  });

  it('starts afresh 24 h or more after the previous change', () => {
    const previous = { amountMinor: 10_000, changedAt: at(0) };
    assert.deepEqual(nextPriceBefore(eur(8_000), eur(6_000), previous, at(24)), {
      amountMinor: 8_000,
      changedAt: at(24),
    });
    assert.deepEqual(
      nextPriceBefore(eur(8_000), eur(6_000), previous, new Date(T + 24 * HOUR - 1).toISOString()),
      { amountMinor: 10_000, changedAt: new Date(T + 24 * HOUR - 1).toISOString() },
      'one millisecond less is still the chain',
    );
  });

  it('keeps an earlier high when the price goes up again within the chain', () => {
    const previous = { amountMinor: 10_000, changedAt: at(0) };
    assert.deepEqual(nextPriceBefore(eur(8_000), eur(12_000), previous, at(1)), {
      amountMinor: 10_000,
      changedAt: at(1),
    });
  });

  it('leaves it as it was when the amount does not change', () => {
    const previous = { amountMinor: 10_000, changedAt: at(0) };
    assert.deepEqual(nextPriceBefore(eur(8_000), eur(8_000), previous, at(30)), previous);
    assert.equal(nextPriceBefore(eur(8_000), eur(8_000), undefined, at(30)), null);
  });

  it('removes it when the currency changes: no earlier amount compares', () => {
    const previous = { amountMinor: 10_000, changedAt: at(0) };
    assert.equal(nextPriceBefore(eur(8_000), { amountMinor: 8_000, currency: 'GBP' }, previous, at(1)), null);
    assert.equal(
      nextPriceBefore(eur(8_000), { amountMinor: 7_000, currency: 'GBP' }, undefined, at(1)),
      null,
    );
  });
});

describe('the list price an order line is judged by', () => {
  const before = { amountMinor: 10_000, changedAt: at(0) };

  it('is the price before a change within the last 24 h (inclusive), else the price', () => {
    assert.equal(listPriceMinor(eur(5_000), undefined, at(1)), 5_000);
    assert.equal(listPriceMinor(eur(5_000), before, at(1)), 10_000);
    assert.equal(listPriceMinor(eur(5_000), before, at(24)), 10_000);
    assert.equal(listPriceMinor(eur(5_000), before, new Date(T + 24 * HOUR + 1).toISOString()), 5_000);
  });

  it('is the price itself when it was raised since', () => {
    assert.equal(listPriceMinor(eur(12_000), before, at(1)), 12_000);
  });
});

describe('how far a line lies below its list price', () => {
  const line = (unitPriceMinor: number, discountBps = 0, listPriceMinor?: number) => ({
    unitPriceMinor,
    discountBps,
    ...(listPriceMinor === undefined ? {} : { listPriceMinor }),
  });

  it('is the discount when the price is the list price, without the minor unit’s rounding', () => {
    assert.equal(belowListBps(line(1_010, 1_500)), 1_500, '10.10 at 15% off totals 8.58: 15.05% below');
    assert.equal(belowListBps(line(2_500)), 0);
  });

  it('counts a price cut, and a cut with a discount on top', () => {
    assert.equal(belowListBps(line(1_250, 0, 2_500)), 5_000);
    assert.equal(belowListBps(line(9_000, 1_000, 10_000)), 1_900, '0.9 × 0.9 = 81% of list');
    assert.equal(belowListBps(line(0, 0, 2_500)), 10_000);
  });

  it('rounds up, so “more than N” holds exactly when the exact figure is more than N', () => {
    assert.equal(belowListBps(line(2, 0, 3)), 3_334, '33.33…%');
    const huge = Number.MAX_SAFE_INTEGER;
    assert.equal(belowListBps(line(huge - 1, 0, huge)), 1, 'a minor unit below stays exact beyond 2^53');
  });

  it('is 0 above the list price, and for a free product', () => {
    assert.equal(belowListBps(line(12_000, 0, 10_000)), 0);
    assert.equal(belowListBps(line(12_000, 1_000, 10_000)), 0, '10,800 is still above 10,000');
    assert.equal(belowListBps(line(0, 0, 0)), 0);
  });
});

describe('a change within a window before a moment', () => {
  it('counts from `seconds` before it (inclusive), and anything after it', () => {
    assert.equal(changedWithin(at(-24), at(0), 86_400), true);
    assert.equal(changedWithin(new Date(T - 24 * HOUR - 1).toISOString(), at(0), 86_400), false);
    assert.equal(changedWithin(at(5), at(0), 60), true);
    assert.equal(changedWithin('not a time', at(0), 86_400), false);
  });
});
