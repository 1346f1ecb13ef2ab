/**
 * Exact decimal amounts in major units ("1000.00", "0.5", "12") for rule thresholds. They are
 * compared and converted with integers (BigInt) only: no float ever touches money.
 */
export const DECIMAL_PATTERN = /^(0|[1-9][0-9]{0,14})(?:\.([0-9]{1,6}))?$/;

/** value = units / 10^scale */
interface Scaled {
  units: bigint;
  scale: number;
}

function parse(decimal: string): Scaled {
  const match = DECIMAL_PATTERN.exec(decimal);
  if (!match) throw new Error(`Not a decimal amount: '${decimal}'`);
  const fraction = match[2] ?? '';
  return { units: BigInt(`${match[1]}${fraction}`), scale: fraction.length };
}

/** -1, 0 or 1 as a is below, equal to or above b (by value: "1.50" equals "1.5"). */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const xu = x.units * 10n ** BigInt(scale - x.scale);
  const yu = y.units * 10n ** BigInt(scale - y.scale);
  return xu < yu ? -1 : xu > yu ? 1 : 0;
}

/**
 * The amount in whole minor units, rounded UP when it has more decimals than the currency
 * (`digits` from `minorUnitDigits`). Rounding up is exact for both comparisons a rule makes on
 * an integer total t: `t >= x` ⟺ `t >= ceil(x)` and `t < x` ⟺ `t < ceil(x)`. So
 * "1000.005" EUR means "from 1000.01" for orderTotalAtLeast and "up to 1000.00" for orderTotalBelow.
 */
export function toMinorUnitsCeil(decimal: string, digits: number): bigint {
  const { units, scale } = parse(decimal);
  if (scale <= digits) return units * 10n ** BigInt(digits - scale);
  const divisor = 10n ** BigInt(scale - digits);
  const quotient = units / divisor;
  return units % divisor === 0n ? quotient : quotient + 1n;
}
