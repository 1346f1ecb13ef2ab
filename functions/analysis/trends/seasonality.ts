/**
 * Which season length a weekly series is forecast with. Weekly needs may repeat yearly (52 weeks),
 * quarterly (13) or monthly (4, roughly); a seasonal model on a series without that rhythm only
 * fits noise, so a period is used only when the data show it. For each candidate period m the
 * series' trend is taken out with a centred moving average over one season (2×m when m is even,
 * as in classical decomposition): that removes anything slower than the season, a drift or a
 * random walk included, and leaves the season itself. The correlation of what remains with itself
 * m weeks earlier must then clear the white-noise band (1.96 / √pairs). Of the periods that do,
 * the strongest wins, the shorter one on a near tie (within 0.05: a 4-week rhythm is also a
 * 52-week one, with 13 times the states to fit). A period is a candidate only when the history
 * holds two whole seasons to start the model from plus the backtest; with none, the season is 1.
 */
export const SEASON_CANDIDATES = [4, 13, 52] as const;
const NEAR_TIE = 0.05;

export interface SeasonChoice {
  period: number;
  /** The lag correlation that chose it (null for period 1 or a period given by the caller). */
  correlation: number | null;
}

/** `y` minus its centred moving average over `period` weeks (the ends, where the average is not defined, are dropped). */
export function withoutTrend(y: readonly number[], period: number): number[] {
  const half = Math.floor(period / 2);
  const even = period % 2 === 0;
  const out: number[] = [];
  for (let t = half; t < y.length - half; t++) {
    let sum = 0;
    for (let j = -half; j <= half; j++)
      sum += (y[t + j] as number) * (even && Math.abs(j) === half ? 0.5 : 1);
    out.push((y[t] as number) - sum / period);
  }
  return out;
}

/** Pearson correlation of x[t] with x[t − lag]; 0 when either side is constant. */
export function lagCorrelation(x: readonly number[], lag: number): number {
  const a = x.slice(lag);
  const b = x.slice(0, x.length - lag);
  const mean = (v: number[]) => v.reduce((s, e) => s + e, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += ((a[i] as number) - ma) * ((b[i] as number) - mb);
    saa += ((a[i] as number) - ma) ** 2;
    sbb += ((b[i] as number) - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** The season to use for `y`, among the `eligible` periods (those the history is long enough for). */
export function chooseSeason(y: readonly number[], eligible: readonly number[]): SeasonChoice {
  const significant = eligible
    .map((period) => {
      const x = withoutTrend(y, period);
      return { period, correlation: lagCorrelation(x, period), pairs: x.length - period };
    })
    // Eligible periods leave at least 7 pairs (two seasons and the backtest after the average's ends).
    .filter(({ correlation, pairs }) => correlation > 1.96 / Math.sqrt(pairs))
    .map(({ period, correlation }) => ({ period, correlation }));
  if (!significant.length) return { period: 1, correlation: null };
  const best = Math.max(...significant.map((s) => s.correlation));
  return significant
    .filter((s) => s.correlation >= best - NEAR_TIE)
    .reduce((shortest, s) => (s.period < shortest.period ? s : shortest));
}
