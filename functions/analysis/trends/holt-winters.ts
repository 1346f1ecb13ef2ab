import { withoutTrend } from './seasonality';

/**
 * Additive Holt-Winters with a damped trend (ETS(A,Ad,A) in Hyndman's taxonomy; without a season
 * when the period is 1): a level, a trend that fades by φ per week (weekly counts do not grow in
 * a straight line for ever), and one additive seasonal term per week of the season.
 *
 *   forecast  ŷ(t) = ℓ + φ·b + s(t − m)
 *   level     ℓ' = α·(y − s(t − m)) + (1 − α)·(ℓ + φ·b)
 *   trend     b' = β·(ℓ' − ℓ) + (1 − β)·φ·b
 *   season    s(t) = γ·(y − ℓ − φ·b) + (1 − γ)·s(t − m)
 *
 * Chosen over ARIMA-type models because it needs no differencing decisions, is robust on the
 * short, noisy, low-count series a tenant's need types give, and its parameters can be fitted by
 * a plain grid search: deterministic, no optimiser to diverge. Parameters minimise the in-sample
 * one-step squared error.
 */
export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

export interface HoltWintersFit {
  period: number;
  params: HoltWintersParams;
  level: number;
  trend: number;
  /** The last `period` seasonal terms, oldest first (empty without a season). */
  season: number[];
  /** Root mean square of the one-step errors the parameters were fitted on. */
  residualSd: number;
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const BETAS = [0, 0.05, 0.15, 0.3];
const GAMMAS = [0, 0.05, 0.15, 0.3, 0.5];
/** Hyndman's recommended range for damping (below 0.8 the trend is gone within days; 1 is undamped). */
const PHIS = [0.8, 0.9, 0.98];

/** The block the start values come from: one season, or 4 weeks without one. */
export const startBlock = (period: number): number => (period > 1 ? period : 4);

/** The shortest history the model can start from: two blocks (a level and a trend between them). */
export const minimumHistory = (period: number): number => 2 * startBlock(period);

interface Run {
  sse: number;
  level: number;
  trend: number;
  season: number[];
}

/**
 * A yearly season starts from two or three values per week of the year, so its raw indices are
 * mostly noise; demand over a year moves smoothly (seasons, holidays), so they are replaced by
 * their projection on the first HARMONICS Fourier pairs (8 numbers instead of 52). Short seasons
 * (4, 13) are left as they are: their indices average many values each.
 */
const SMOOTH_ABOVE = 13;
const HARMONICS = 4;

function smoothSeason(season: number[]): void {
  const m = season.length;
  const smooth = new Array<number>(m).fill(0);
  for (let k = 1; k <= HARMONICS; k++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < m; j++) {
      a += (season[j] as number) * Math.cos((2 * Math.PI * k * j) / m);
      b += (season[j] as number) * Math.sin((2 * Math.PI * k * j) / m);
    }
    for (let j = 0; j < m; j++)
      smooth[j] =
        (smooth[j] as number) +
        (2 / m) * (a * Math.cos((2 * Math.PI * k * j) / m) + b * Math.sin((2 * Math.PI * k * j) / m));
  }
  for (let j = 0; j < m; j++) season[j] = smooth[j] as number;
}

/**
 * Start values, estimated from the whole series as ETS does (each backtest fold refits on its own
 * weeks only, so this borrows nothing from the future): the seasonal terms by classical additive
 * decomposition (the mean, per week of the season, of the series minus its centred moving
 * average, centred on 0), so that they average out noise instead of copying the first season's;
 * the level and trend from a least-squares line through the first two blocks without season.
 */
export function startValues(
  y: readonly number[],
  period: number,
): { level: number; trend: number; season: number[] } {
  const season = new Array<number>(Math.max(period, 1)).fill(0);
  if (period > 1) {
    const sums = new Array<number>(period).fill(0);
    const counts = new Array<number>(period).fill(0);
    withoutTrend(y, period).forEach((value, i) => {
      const slot = (i + Math.floor(period / 2)) % period;
      sums[slot] = (sums[slot] as number) + value;
      counts[slot] = (counts[slot] as number) + 1;
    });
    for (let j = 0; j < period; j++) season[j] = (sums[j] as number) / (counts[j] as number);
    const centre = season.reduce((a, b) => a + b, 0) / period;
    for (let j = 0; j < period; j++) season[j] = (season[j] as number) - centre;
    if (period > SMOOTH_ABOVE) smoothSeason(season);
  }
  const span = minimumHistory(period);
  const meanT = (span - 1) / 2;
  let meanY = 0;
  for (let t = 0; t < span; t++) meanY += ((y[t] as number) - (season[t % season.length] as number)) / span;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < span; t++) {
    sxy += (t - meanT) * ((y[t] as number) - (season[t % season.length] as number) - meanY);
    sxx += (t - meanT) ** 2;
  }
  const trend = sxy / sxx;
  // The state before the first week: the line at t = −1.
  return { level: meanY + trend * (-1 - meanT), trend, season };
}

/** Runs the recursions over `y` with `params`, returning the final state and the one-step squared error. */
function run(
  y: readonly number[],
  period: number,
  params: HoltWintersParams,
  initial: ReturnType<typeof startValues>,
): Run {
  let { level, trend } = initial;
  const seasonal = period > 1;
  // Seasonal terms in a ring: slot t % period holds s(t − period) when week t is reached.
  const season = initial.season.slice();
  const { alpha, beta, gamma, phi } = params;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const slot = seasonal ? t % period : 0;
    const old = season[slot] as number;
    const damped = phi * trend;
    const value = y[t] as number;
    const error = value - (level + damped + old);
    sse += error * error;
    const nextLevel = alpha * (value - old) + (1 - alpha) * (level + damped);
    trend = beta * (nextLevel - level) + (1 - beta) * damped;
    if (seasonal) season[slot] = gamma * (value - level - damped) + (1 - gamma) * old;
    level = nextLevel;
  }
  const ordered = seasonal
    ? Array.from({ length: period }, (_, i) => season[(y.length + i) % period] as number)
    : [];
  return { sse, level, trend, season: ordered };
}

/** Fits the parameters by grid search; `y` must hold at least `minimumHistory(period)` weeks. */
export function fitHoltWinters(y: readonly number[], period: number): HoltWintersFit {
  if (y.length < minimumHistory(period))
    throw new Error(
      `Holt-Winters with period ${period} needs ${minimumHistory(period)} weeks, got ${y.length}.`,
    );
  const initial = startValues(y, period);
  let best: { run: Run; params: HoltWintersParams } | undefined;
  for (const alpha of ALPHAS)
    for (const beta of BETAS)
      for (const gamma of period > 1 ? GAMMAS : [0])
        for (const phi of PHIS) {
          const params = { alpha, beta, gamma, phi };
          const result = run(y, period, params, initial);
          if (!best || result.sse < best.run.sse) best = { run: result, params };
        }
  const { run: fitted, params } = best as NonNullable<typeof best>;
  return {
    period,
    params,
    level: fitted.level,
    trend: fitted.trend,
    season: fitted.season,
    residualSd: Math.sqrt(fitted.sse / y.length),
  };
}

/** Point forecasts 1…horizon weeks ahead (not clamped). */
export function forecastHoltWinters(fit: HoltWintersFit, horizon: number): number[] {
  const out: number[] = [];
  let damping = 0;
  for (let h = 1; h <= horizon; h++) {
    damping += fit.params.phi ** h;
    const seasonal = fit.period > 1 ? (fit.season[(h - 1) % fit.period] as number) : 0;
    out.push(fit.level + damping * fit.trend + seasonal);
  }
  return out;
}

/**
 * Half-widths of the forecast intervals: z × σ × √(1 + Σ_{j<h} c_j²), with
 * c_j = α·(1 + β·(φ + … + φ^j)) + γ·[j is a multiple of the period] — the variance of the
 * h-step error of ETS(A,Ad,A) (Hyndman et al., Forecasting with Exponential Smoothing, table 6.1).
 */
export function intervalHalfWidths(fit: HoltWintersFit, horizon: number, z: number): number[] {
  const { alpha, beta, gamma, phi } = fit.params;
  const out: number[] = [];
  let variance = 1;
  let damping = 0;
  for (let h = 1; h <= horizon; h++) {
    out.push(z * fit.residualSd * Math.sqrt(variance));
    damping += phi ** h;
    const c = alpha * (1 + beta * damping) + (fit.period > 1 && h % fit.period === 0 ? gamma : 0);
    variance += c * c;
  }
  return out;
}
