import * as z from 'zod';

/** ISO 4217 codes this runtime knows (Node ships the full ICU data). */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const CurrencyCode = z
  .string()
  .refine((code) => CURRENCIES.has(code), 'must be an ISO 4217 currency code in upper case, e.g. EUR');

/** Money is an integer count of minor units (cents, pence, yen) and its currency. Never a float. */
export const Money = z.strictObject({
  amountMinor: z.number().int('must be an integer count of minor units').min(0).max(Number.MAX_SAFE_INTEGER),
  currency: CurrencyCode,
});
export type Money = z.infer<typeof Money>;

/** Digits after the decimal point for the currency (2 for EUR, 0 for JPY, 3 for KWD). */
export function minorUnitDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

export function formatMoney(money: Money, locale = 'en'): string {
  const digits = minorUnitDigits(money.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(
    money.amountMinor / 10 ** digits,
  );
}
