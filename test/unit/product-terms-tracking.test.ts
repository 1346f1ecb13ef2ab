import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { termsTracking } from '../../functions/products/terms-tracking';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const NOW = '2026-03-02T10:00:00.000Z';
const EARLIER = { amountMinor: 12_000, changedAt: '2026-03-01T10:00:00.000Z' };

/** What a PATCH of a product's commercial terms writes beside them: who, when, and the price before. */
describe('a product’s terms tracking', () => {
  it('records who changed the terms and when, and the price a price change left', () => {
    assert.deepEqual(termsTracking({ unitPrice: eur(10_000) }, { unitPrice: eur(8_000) }, 'fin', NOW), {
      termsChangedAt: NOW,
      termsChangedBy: 'fin',
      priceBefore: { amountMinor: 10_000, changedAt: NOW },
    });
  });

  it('leaves the price before alone when the price stays, or when the patch does not touch it', () => {
    const current = { unitPrice: eur(10_000), priceBefore: EARLIER };
    const expected = { termsChangedAt: NOW, termsChangedBy: 'fin' };
    assert.deepEqual(termsTracking(current, { unitPrice: eur(10_000) }, 'fin', NOW), expected);
    assert.deepEqual(termsTracking(current, { active: false }, 'fin', NOW), expected);
  });

  it('removes the price before (null: the update removes the attribute) when none applies', () => {
    const expected = { termsChangedAt: NOW, termsChangedBy: 'fin', priceBefore: null };
    // The same price and no earlier price: nothing to keep.
    assert.deepEqual(
      termsTracking({ unitPrice: eur(10_000) }, { unitPrice: eur(10_000) }, 'fin', NOW),
      expected,
    );
    // Another currency: the old price says nothing about the new one.
    const usd = { amountMinor: 9_000, currency: 'USD' };
    assert.deepEqual(
      termsTracking({ unitPrice: eur(10_000), priceBefore: EARLIER }, { unitPrice: usd }, 'fin', NOW),
      expected,
    );
  });
});
