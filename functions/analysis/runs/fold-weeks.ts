import { UNTYPED } from '../../aggregates/catalogue';
import { ForgetfulMap } from '../../shared/forgetful-map';
import { lastCompleteWeek, type WeeklySeries, weeklySeries, weekOf } from '../trends';

/**
 * Needs counted per week (ISO weeks in the tenant's time zone, as the reports cut them), per need
 * type (`type:<type>`, `type:untyped`) and per product category (`category:<category>`, each
 * distinct category of the need's products once). Memory is series × weeks, whatever the number
 * of needs.
 *
 * A week is the week of `receivedAt` in the zone. The zone's calendar (Intl) is the costly part of
 * a need's fold, and needs come by the million, so the week is remembered per quarter hour: every
 * zone's offset from UTC is a whole number of quarter hours, so every instant of a quarter hour
 * falls in the same local week.
 */
const QUARTER_HOUR_MS = 15 * 60_000;

export class WeeklyCounts {
  private readonly timeZone: string;
  private readonly counts = new Map<string, Map<string, number>>();
  // Needs come in time order within a segment: a small memory of recent quarters serves them.
  private readonly weeks = new ForgetfulMap<number, string>(50_000);

  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  add(at: string, type: string | undefined, categories: Iterable<string>): void {
    const week = this.weekOf(at);
    this.count(`type:${type ?? UNTYPED}`, week);
    for (const category of categories) this.count(`category:${category}`, week);
  }

  /**
   * Each series up to the last complete week at `now` (the current week is not over: its count
   * would read as a fall), as B's weeklySeries cuts it (missing weeks 0, at most three years).
   */
  series(now: Date): WeeklySeries[] {
    const last = lastCompleteWeek(now.toISOString(), this.timeZone);
    return [...this.counts]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .filter(([, byWeek]) => [...byWeek.keys()].some((week) => week <= last))
      .map(([key, byWeek]) => weeklySeries(key, Object.fromEntries(byWeek), last));
  }

  private count(key: string, week: string): void {
    let byWeek = this.counts.get(key);
    if (!byWeek) {
      byWeek = new Map();
      this.counts.set(key, byWeek);
    }
    byWeek.set(week, (byWeek.get(week) ?? 0) + 1);
  }

  private weekOf(at: string): string {
    const quarter = Math.floor(Date.parse(at) / QUARTER_HOUR_MS);
    let week = this.weeks.get(quarter);
    if (week === undefined) {
      week = weekOf(new Date(quarter * QUARTER_HOUR_MS).toISOString(), this.timeZone);
      this.weeks.set(quarter, week);
    }
    return week;
  }
}
