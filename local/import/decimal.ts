/**
 * Decimal numbers as written in a CSV, read exactly: "2.55" pounds is 255 pence because the
 * digits are shifted, never because 2.55 × 100 was computed in binary floating point (which gives
 * 254.99999999999997). Thousands separators and a decimal comma are options of the mapping.
 */
export interface NumberFormat {
  decimalSeparator?: '.' | ',';
  thousandsSeparator?: ',' | '.' | ' ' | "'" | '';
}

export interface Decimal {
  negative: boolean;
  /** Digits before the point, without leading zeros ("0" for none). */
  whole: string;
  /** Digits after the point, as written. */
  fraction: string;
}

/** The decimal `text` spells, or a message saying why it is not one. */
export function parseDecimal(text: string, format: NumberFormat = {}): Decimal | string {
  const point = format.decimalSeparator ?? '.';
  const group = format.thousandsSeparator ?? '';
  if (group === point) return 'the mapping uses one character as both decimal and thousands separator';
  let body = text.trim();
  let negative = false;
  if (body.startsWith('-') || body.startsWith('+')) {
    negative = body.startsWith('-');
    body = body.slice(1);
  }
  const [whole = '', fraction = '', ...more] = body.split(point);
  if (more.length) return `'${text}' has more than one decimal separator`;
  let digits = whole;
  if (group) {
    // Groups of three after the first: "1,234,567", not "12,34".
    const groups = whole.split(group);
    if (
      groups.length > 1 &&
      (!/^\d{1,3}$/.test(groups[0] ?? '') || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))
    )
      return `'${text}' is not a number (misplaced '${group}')`;
    digits = groups.join('');
  }
  if (!/^\d*$/.test(digits) || !/^\d*$/.test(fraction) || (digits === '' && fraction === ''))
    return `'${text}' is not a number`;
  if (body.endsWith(point) && fraction === '') return `'${text}' is not a number`;
  return { negative, whole: digits.replace(/^0+(?=\d)/, '') || '0', fraction };
}

/** `decimal × 10^scale` as an exact integer, or a message when it would need rounding. */
export function scaled(decimal: Decimal, scale: number): bigint | string {
  const extra = decimal.fraction.slice(scale);
  if (/[1-9]/.test(extra)) return `has more than ${scale} decimal${scale === 1 ? '' : 's'}`;
  const fraction = decimal.fraction.slice(0, scale).padEnd(scale, '0');
  const value = BigInt(decimal.whole + fraction);
  return decimal.negative ? -value : value;
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** Minor units (pence, cents) of an amount written in major units: "2.55", 2 → 255. */
export function minorUnits(text: string, scale: number, format: NumberFormat = {}): number | string {
  const decimal = parseDecimal(text, format);
  if (typeof decimal === 'string') return decimal;
  const value = scaled(decimal, scale);
  if (typeof value === 'string') return `'${text}' ${value}: minor units would need rounding`;
  if (value > MAX || value < -MAX) return `'${text}' is too large`;
  return Number(value);
}

/** A whole number ("6", "6.0", "1,200" with a thousands separator). */
export function wholeNumber(text: string, format: NumberFormat = {}): number | string {
  const decimal = parseDecimal(text, format);
  if (typeof decimal === 'string') return decimal;
  const value = scaled(decimal, 0);
  if (typeof value === 'string') return `'${text}' is not a whole number`;
  if (value > MAX || value < -MAX) return `'${text}' is too large`;
  return Number(value);
}

/** Compares two decimals exactly: negative, zero or positive as a < b, a = b, a > b. */
export function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.fraction.length, b.fraction.length);
  const x = scaled(a, scale) as bigint;
  const y = scaled(b, scale) as bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}
