/**
 * Countries as people write them: an ISO 3166-1 alpha-2 code in any case (`de`, `DE`) or an
 * English name (`Germany`, `United Kingdom`, `USA`), read as the upper-case code. The names come
 * from the runtime's own CLDR data (`Intl.DisplayNames`), not from a table kept by hand: each
 * code's long and short English name ("United Kingdom", "UK"), plus the few common names CLDR
 * does not give (`ALIASES`).
 *
 * Nothing is built at module load: the first `Intl.DisplayNames` loads ICU's region data
 * (measured 15–35 ms on Node 22, on an idle 2-core machine) and the name index, built on the
 * first name (not code) read, about 15 ms more. A function that never reads a country never
 * pays; one that does pays once per environment; later lookups take microseconds.
 */

/**
 * Codes CLDR names that are not ISO 3166-1 countries: macro-regions and pseudo-regions, and the
 * ISO "exceptionally reserved" codes. Withdrawn codes (`UK`, `DD`, `SU`, `YU`…) need no entry:
 * CLDR canonicalises them to their successors, and only canonical codes count. `XK` (Kosovo) is
 * kept: user-assigned, but the code the EU, CLDR and the phone numbering data all use.
 */
const NOT_COUNTRIES = new Set([
  ...['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ'],
  ...['AC', 'CP', 'CQ', 'DG', 'EA', 'IC', 'TA'],
]);

/** Names people use that CLDR's English long and short names do not cover. */
const ALIASES: Record<string, string> = {
  USA: 'US',
  'United States of America': 'US',
  'Great Britain': 'GB',
  Britain: 'GB',
  England: 'GB',
  Scotland: 'GB',
  Wales: 'GB',
  'Northern Ireland': 'GB',
  'United Kingdom of Great Britain and Northern Ireland': 'GB',
  Holland: 'NL',
  'Czech Republic': 'CZ',
  Turkey: 'TR',
  'Ivory Coast': 'CI',
  Macedonia: 'MK',
  Swaziland: 'SZ',
  Burma: 'MM',
  'Cabo Verde': 'CV',
  'East Timor': 'TL',
  Vatican: 'VA',
  'Holy See': 'VA',
  'Russian Federation': 'RU',
  'Republic of Korea': 'KR',
  'Korea, Republic of': 'KR',
  UAE: 'AE',
  'Democratic Republic of the Congo': 'CD',
  'DR Congo': 'CD',
  'Republic of the Congo': 'CG',
  'Viet Nam': 'VN',
  Macau: 'MO',
};

let regionNames: { long: Intl.DisplayNames; short: Intl.DisplayNames } | undefined;
let nameIndex: Map<string, string> | undefined;

function names() {
  regionNames ??= {
    long: new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }),
    short: new Intl.DisplayNames(['en'], { type: 'region', style: 'short', fallback: 'none' }),
  };
  return regionNames;
}

/** Whether `code` (upper case) is an assigned ISO 3166-1 alpha-2 code (or XK). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  if (names().long.of(code) === undefined) return false;
  return Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
}

/**
 * A name as a lookup key: case, accents, punctuation and a leading "the" do not matter, `&` is
 * "and" and `St.` is "Saint" ("St. Kitts & Nevis" = "Saint Kitts and Nevis").
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[.'’‘`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word, i) => !(i === 0 && word === 'the'))
    .map((word) => (word === 'st' ? 'saint' : word))
    .join(' ');
}

function index(): Map<string, string> {
  if (nameIndex) return nameIndex;
  const built = new Map<string, string>();
  const { long, short } = names();
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second);
      if (!isCountryCode(code)) continue;
      for (const name of [long.of(code), short.of(code)]) {
        if (name !== undefined && !built.has(nameKey(name))) built.set(nameKey(name), code);
      }
    }
  }
  for (const [name, code] of Object.entries(ALIASES)) built.set(nameKey(name), code);
  nameIndex = built;
  return built;
}

/** The upper-case ISO 3166-1 alpha-2 code of a code or English name, or undefined when it is neither. */
export function countryCode(input: string): string | undefined {
  const text = input.trim();
  if (/^[A-Za-z]{2}$/.test(text) && isCountryCode(text.toUpperCase())) return text.toUpperCase();
  return index().get(nameKey(text));
}
