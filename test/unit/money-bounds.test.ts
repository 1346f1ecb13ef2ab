import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { CurrencyCode, formatMoney, Money } from '../../functions/shared/money';

/**
 * The bounds of Money beyond what test/unit/money.test.ts checks: zero and the largest exact
 * integer are amounts, one past it is not; each refusal says why; formatting honours the locale
 * and the currency's minor units. Written against mutants that survived the existing tests.
 */
describe('money bounds', () => {
  it('accepts 0 and Number.MAX_SAFE_INTEGER minor units, not one more', () => {
    assert.ok(Money.safeParse({ amountMinor: 0, currency: 'EUR' }).success);
    assert.ok(Money.safeParse({ amountMinor: 9_007_199_254_740_991, currency: 'EUR' }).success);
    assert.ok(!Money.safeParse({ amountMinor: 9_007_199_254_740_992, currency: 'EUR' }).success);
  });

  it('says why an amount or a currency is refused', () => {
    const fraction = Money.safeParse({ amountMinor: 1.5, currency: 'EUR' });
    assert.equal(fraction.error?.issues[0]?.message, 'must be an integer count of minor units');
    const lower = CurrencyCode.safeParse('eur');
    assert.equal(
      lower.error?.issues[0]?.message,
      'must be an ISO 4217 currency code in upper case, e.g. EUR',
    );
    assert.ok(
      !Money.safeParse({ amountMinor: 1, currency: 'EUR', extra: true }).success,
      'strict: no other keys',
    );
  });

  it('formats in the given locale with the currency’s own decimals', () => {
    assert.equal(formatMoney({ amountMinor: 123456, currency: 'EUR' }, 'de-DE'), '1.234,56\u00a0€');
    assert.equal(formatMoney({ amountMinor: 1234, currency: 'KWD' }), 'KWD\u00a01.234');
    assert.equal(formatMoney({ amountMinor: 5, currency: 'EUR' }), '€0.05');
  });
});
