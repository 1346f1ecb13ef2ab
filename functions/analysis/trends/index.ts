/** Weekly need trends and forecasts, as the runs use them. */
export { type Backtest, backtest, seasonalNaive } from './backtest';
export { forecastSeries, historyNeeded } from './forecast';
export { MAX_SERIES_WEEKS, type WeeklySeries, weeklySeries } from './series';
export { SURGE_RULE } from './surge';
export { DEFAULT_HORIZON, needTrends, type SeriesTrend, seriesTrend } from './trends';
export { addWeeks, lastCompleteWeek, mondayOf, nextWeek, weekOf, weeksBetween } from './weeks';
