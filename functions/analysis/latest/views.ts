import type { SeriesTrend } from '../trends/trends';
import type { LatestPointer } from './read-latest';
import type { TrendsQuery } from './schemas';

/** A kind's latest result as read: the pointer and the run's result item (read-latest.ts). */
export type Latest = { pointer: LatestPointer; item: Record<string, unknown> } | undefined;

/** Copies the attributes the API shows, in that order, leaving the keys and the rest behind. */
const pick = (item: Record<string, unknown>, fields: readonly string[]) =>
  Object.fromEntries(
    fields.filter((field) => item[field] !== undefined).map((field) => [field, item[field]]),
  );

const none = (note: string) => ({ runId: null, note });
const of = (latest: NonNullable<Latest>) => ({
  runId: latest.pointer.runId,
  finishedAt: latest.pointer.finishedAt,
});

export const NO_SEGMENTS = 'No analysis run has produced segments yet: POST /v1/analysis/runs runs one.';
export const NO_TRENDS = 'No analysis run has produced need trends yet: POST /v1/analysis/runs runs one.';
export const NO_CLASSIFIER =
  'No analysis run has trained a need classifier yet (a run needs enough typed needs): POST /v1/analysis/runs runs one.';

const SEGMENTS_SHOWN = [
  'k',
  'chosenBy',
  'candidates',
  'silhouetteSample',
  'features',
  'segments',
  'customers',
  'mainCurrency',
] as const;

export function segmentsView(latest: Latest) {
  if (!latest) return none(NO_SEGMENTS);
  return {
    ...of(latest),
    ...pick(latest.item, SEGMENTS_SHOWN),
  };
}

/** What the API shows of the classifier: its quality, never the model (that serves suggestions, not readers). */
export const CLASSIFIER_SHOWN = ['labels', 'metrics', 'baselines', 'training', 'counts', 'excluded'] as const;

/** The classifier's quality, never the model itself. */
export function classifierView(latest: Latest) {
  if (!latest) return none(NO_CLASSIFIER);
  return { ...of(latest), ...pick(latest.item, CLASSIFIER_SHOWN) };
}

/**
 * The trend of every series the filter keeps, each saying plainly whether its forecast can be
 * trusted more than the seasonal-naive forecast (the same week one season earlier).
 */
export function trendsView(latest: Latest, filter: TrendsQuery) {
  if (!latest) return { ...none(NO_TRENDS), series: [] };
  const all = (latest.item.series ?? []) as SeriesTrend[];
  const kept = all.filter((trend) => {
    const [kind, ...rest] = trend.key.split(':');
    return (
      (filter.series === undefined || kind === filter.series) &&
      (filter.key === undefined || rest.join(':') === filter.key)
    );
  });
  return {
    ...of(latest),
    ...pick(latest.item, ['timeZone']),
    series: kept.map(withVerdict),
    ...pick(latest.item, ['omitted']),
  };
}

export function withVerdict(trend: SeriesTrend) {
  const { forecast } = trend;
  if ('insufficient' in forecast)
    return { ...trend, beatsSeasonalNaive: null, forecastNote: `No forecast: ${forecast.insufficient}` };
  const b = forecast.backtest;
  const errors = `mean absolute error ${b.modelMae} against ${b.seasonalNaiveMae} over ${b.folds} backtest folds`;
  const forecastNote = b.beatsSeasonalNaive
    ? `The forecast beat the seasonal-naive forecast on its backtest (${errors}).`
    : `The forecast does NOT beat the seasonal-naive forecast on its backtest (${errors}): expect no better than the same week one season (${b.seasonPeriod} weeks) earlier.`;
  return { ...trend, beatsSeasonalNaive: b.beatsSeasonalNaive, forecastNote };
}
