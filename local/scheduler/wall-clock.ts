import { wallClockAt } from '../../functions/shared/civil-time';

/**
 * The wall clock of an IANA time zone, for the daylight-saving rules EventBridge Scheduler
 * documents: a local time that does not exist (spring forward) is skipped, and one that occurs
 * twice (fall back) runs once, at its first occurrence.
 */

/** No zone moves its clocks back by more than this (Troll's two hours is the most today). */
const LONGEST_FALL_BACK_MS = 3 * 3600_000;

/**
 * True when the wall-clock time at `ms` was already shown once before, because the clocks went
 * back in between: `ms` is the second pass through a repeated hour.
 */
export function isRepeatedWallTime(ms: number, timeZone: string): boolean {
  const offsetAt = (t: number) => wallClockAt(t, timeZone) - t;
  const offsetNow = offsetAt(ms);
  const offsetBefore = offsetAt(ms - LONGEST_FALL_BACK_MS);
  if (offsetBefore <= offsetNow) return false;
  // The same reading under the earlier, larger offset happened this much earlier.
  const earlier = ms - (offsetBefore - offsetNow);
  return wallClockAt(earlier, timeZone) === wallClockAt(ms, timeZone);
}
