import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { compareDecimals, DECIMAL_PATTERN, toMinorUnitsCeil } from '../../functions/approvals/decimal';

/**
 * The decimal amounts of approval rules ("1000.00") compared and turned into minor units with
 * integers only: every bound of the pattern, comparison by value whatever the number of decimals,
 * and rounding up exactly at the currency's digits. Mutation testing (issue 13) showed which
 * edges the engine's tests left open; each expected value here is worked out by hand.
 */
describe('decimal amounts of approval rules', () => {
  it('accepts 0, up to 15 integer digits without a leading zero, and 1 to 6 decimals', () => {
    for (const ok of ['0', '7', '0.5', '12.50', '999999999999999', '1.123456', '100000000000000.000001'])
      assert.ok(DECIMAL_PATTERN.test(ok), ok);
    for (const bad of [
      '',
      '01',
      '1000000000000000',
      '1.',
      '.5',
      '1.1234567',
      '-1',
      '+1',
      '1e3',
      ' 1',
      '1 ',
      'x1',
      '1x',
    ])
      assert.ok(!DECIMAL_PATTERN.test(bad), bad);
  });

  it('refuses to compare or convert what is not a decimal amount, naming it', () => {
    assert.throws(() => compareDecimals('1,5', '1'), { message: "Not a decimal amount: '1,5'" });
    assert.throws(() => compareDecimals('1', '01'), { message: "Not a decimal amount: '01'" });
    assert.throws(() => toMinorUnitsCeil('-3', 2), { message: "Not a decimal amount: '-3'" });
  });

  it('compares by value, whatever the number of decimals on either side', () => {
    assert.equal(compareDecimals('1.50', '1.5'), 0);
    assert.equal(compareDecimals('1.5', '1.50'), 0);
    assert.equal(compareDecimals('2', '2.000000'), 0);
    assert.equal(compareDecimals('1.49', '1.5'), -1);
    assert.equal(compareDecimals('1.5', '1.49'), 1);
    assert.equal(compareDecimals('10', '9.999999'), 1);
    assert.equal(compareDecimals('9.999999', '10'), -1);
    assert.equal(compareDecimals('0', '0.000001'), -1);
    assert.equal(compareDecimals('0.000001', '0'), 1);
    assert.equal(compareDecimals('100', '99'), 1);
    assert.equal(compareDecimals('99', '100'), -1);
  });

  it('converts to whole minor units: padded when it has fewer decimals than the currency', () => {
    assert.equal(toMinorUnitsCeil('12', 2), 1200n);
    assert.equal(toMinorUnitsCeil('12.5', 2), 1250n);
    assert.equal(toMinorUnitsCeil('12.50', 2), 1250n);
    assert.equal(toMinorUnitsCeil('0.5', 3), 500n);
    assert.equal(toMinorUnitsCeil('7', 0), 7n);
  });

  it('rounds up, never down, when it has more decimals than the currency, and only then', () => {
    assert.equal(toMinorUnitsCeil('1000.005', 2), 100001n);
    assert.equal(toMinorUnitsCeil('1000.001', 2), 100001n);
    assert.equal(toMinorUnitsCeil('1000.009', 2), 100001n);
    assert.equal(toMinorUnitsCeil('1000.010', 2), 100001n);
    assert.equal(toMinorUnitsCeil('1000.000', 2), 100000n);
    assert.equal(toMinorUnitsCeil('12.5', 0), 13n);
    assert.equal(toMinorUnitsCeil('12.000001', 0), 13n);
    assert.equal(toMinorUnitsCeil('12.000000', 0), 12n);
    assert.equal(toMinorUnitsCeil('0.0001', 3), 1n);
  });
});
