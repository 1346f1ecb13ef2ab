/**
 * When a week "stands far above its recent history": a robust z-score against the 8 weeks before
 * it, so that one earlier spike does not hide the next one (the median and MAD ignore it, where a
 * mean and standard deviation would be dragged up), with a floor under the spread and a minimum
 * count so that small numbers do not surge by arithmetic (0, 0, 0 then 2 is not a surge).
 *
 * The floor is the Poisson deviation √(median + 1): independent needs arrive as Poisson counts,
 * whose spread is √mean, and 8 weeks' MAD can be 0 or far too small by luck; the +1 covers the
 * skew of small counts and a median that an 8-week window underestimates. Measured on Poisson
 * series (weekly means 1 to 60, 200 series of a year each), this rule with threshold 4 flags an
 * ordinary week 0.02–0.14 % of the time; with 3.5 and √median it was up to 1.1 %.
 */
export const SURGE_WINDOW = 8;
/** Fewer weeks before it → no score: half the window is the least that says what is usual. */
export const SURGE_MIN_HISTORY = 4;
export const SURGE_THRESHOLD = 4;
export const SURGE_MIN_COUNT = 5;
/** Scales the MAD to a standard deviation for normally distributed counts. */
const MAD_TO_SD = 1.4826;

export const SURGE_RULE =
  `a week surges when it has at least ${SURGE_MIN_COUNT} needs and (count − median) / spread ≥ ${SURGE_THRESHOLD}, ` +
  `the median and spread taken over the ${SURGE_WINDOW} weeks before it (at least ${SURGE_MIN_HISTORY}); ` +
  `spread = max(${MAD_TO_SD} × median absolute deviation, √(median + 1)), ` +
  'the square root being the Poisson spread of counts, so a flat history does not make every extra need a surge';

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The robust z-score of week `at` against the weeks before it, or null without enough history. */
export function surgeScore(counts: readonly number[], at: number): number | null {
  const history = counts.slice(Math.max(0, at - SURGE_WINDOW), at);
  if (history.length < SURGE_MIN_HISTORY) return null;
  const centre = median(history);
  const mad = median(history.map((count) => Math.abs(count - centre)));
  const spread = Math.max(MAD_TO_SD * mad, Math.sqrt(centre + 1));
  return ((counts[at] as number) - centre) / spread;
}

export const isSurge = (count: number, score: number | null): boolean =>
  score !== null && count >= SURGE_MIN_COUNT && score >= SURGE_THRESHOLD;
