import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { formatMoney, Money, minorUnitDigits } from '../../functions/shared/money';

describe('money', () => {
  it('knows each currency’s minor units', () => {
    assert.equal(minorUnitDigits('EUR'), 2);
    assert.equal(minorUnitDigits('JPY'), 0);
    assert.equal(minorUnitDigits('KWD'), 3);
    assert.equal(formatMoney({ amountMinor: 123456, currency: 'EUR' }), '€1,234.56');
    assert.equal(formatMoney({ amountMinor: 1500, currency: 'JPY' }), '¥1,500');
  });

  it('accepts only integer minor units and ISO 4217 codes', () => {
    assert.ok(Money.safeParse({ amountMinor: 100, currency: 'GBP' }).success);
    assert.ok(!Money.safeParse({ amountMinor: 1.5, currency: 'GBP' }).success);
    assert.ok(!Money.safeParse({ amountMinor: -1, currency: 'GBP' }).success);
    assert.ok(!Money.safeParse({ amountMinor: 100, currency: 'gbp' }).success);
    assert.ok(!Money.safeParse({ amountMinor: 100, currency: 'XYZ' }).success);
    assert.ok(!Money.safeParse({ amountMinor: '100', currency: 'GBP' }).success);
  });
});
