import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Phone numbers as people write them: `+44 20 7946 0958`, `(171) 555-2282`, `26.47.1555`,
 * `030 1234567 ext. 12`. They are kept as written (people and old systems recognise their own
 * spelling); the E.164 form (`+442079460958`) is derived beside them when libphonenumber can
 * read the number as a possible one, in the customer's country unless it starts with `+`.
 */

/** A trailing extension: `ext. 12`, `extn 12`, `x12`, `#12`. */
const EXTENSION = /\s*(?:(?:ext|extn|extension|x)\.?|#)\s*\d{1,7}$/i;
/** What the number itself may hold: digits, a leading +, spaces and the usual separators. */
const NUMBER = /^\+?[0-9 \u00A0()./-]+$/;

export const MIN_PHONE_DIGITS = 4;
/** E.164 allows 15 digits; an international prefix (00, 011) and a trunk 0 may come on top. */
export const MAX_PHONE_DIGITS = 20;

/** What makes `phone` clearly not a phone number, or undefined when it may be one. */
export function phoneProblem(phone: string): string | undefined {
  const number = phone.replace(EXTENSION, '');
  if (!NUMBER.test(number))
    return 'must be a phone number: digits, spaces, a leading +, ( ) . - / and an optional extension (ext. 12), e.g. +44 20 7946 0958';
  const digits = number.replace(/\D/g, '').length;
  if (digits < MIN_PHONE_DIGITS) return `must be a phone number of at least ${MIN_PHONE_DIGITS} digits`;
  if (digits > MAX_PHONE_DIGITS) return `must be a phone number of at most ${MAX_PHONE_DIGITS} digits`;
  return undefined;
}

/**
 * The E.164 form of `phone` (`+442079460958`, without any extension), read in `country` (an
 * ISO 3166-1 alpha-2 code) unless it starts with `+`; undefined when it is not a possible number
 * there, or when there is no country and no `+` to say where it is.
 */
export function phoneE164(phone: string, country?: string): string | undefined {
  const defaultCountry =
    country !== undefined && isSupportedCountry(country) ? (country as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(phone, {
    ...(defaultCountry ? { defaultCountry } : {}),
    extract: false,
  });
  return parsed?.isPossible() ? parsed.number : undefined;
}
