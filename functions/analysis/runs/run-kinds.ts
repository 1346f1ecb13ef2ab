import { type TrainingOutcome, trainTextClassifier } from '../classifier';
import { InsufficientDataError } from '../insufficient';
import type { CooccurrenceModel } from '../recommendations/model';
import { customerFeatures, type FeatureTable } from '../segments/features';
import { type SegmentationResult, segmentCustomers } from '../segments/segment';
import { needTrends, type SeriesTrend } from '../trends';
import type { RunFold } from './fold-run';
import type { AnalysisKind } from './keys';
import type { AnalysisRun, KindResult } from './record';

/**
 * Each kind of analysis over what the run folded: A's segments, B's classifier and trends, C's
 * co-occurrence model. A kind's computation is pure (no I/O); it gives the kind's result for the
 * run (status and summary) and the value that store-results.ts writes. Each runs in its own
 * try/catch: InsufficientDataError (or the classifier's `ok: false`) makes the kind
 * `insufficient` with its reason, any other error `failed` with its message, and neither stops
 * the other kinds.
 */
export interface KindInputs {
  run: AnalysisRun;
  fold: RunFold;
  now: Date;
  timeZone: string;
}

export interface SegmentsValue {
  table: FeatureTable;
  result: SegmentationResult;
  mainCurrency: string | undefined;
}

export interface ClassifierValue {
  outcome: Extract<TrainingOutcome, { ok: true }>;
  sample: { labelledNeeds: number; kept: number; sampled: boolean };
}

export interface TrendsValue {
  trends: SeriesTrend[];
  timeZone: string;
}

export interface KindValues {
  segments: SegmentsValue;
  classifier: ClassifierValue;
  trends: TrendsValue;
  recommendations: CooccurrenceModel;
}

export type KindOutcome<K extends AnalysisKind = AnalysisKind> =
  | { result: KindResult & { status: 'ok' }; value: KindValues[K] }
  | { result: KindResult & { status: 'insufficient' | 'failed' } };

export type KindComputation<K extends AnalysisKind = AnalysisKind> = (inputs: KindInputs) => KindOutcome<K>;

const rounded = (value: number | null | undefined, digits = 4) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? null
    : Math.round(value * 10 ** digits) / 10 ** digits;

const insufficient = (reason: string) => ({ result: { status: 'insufficient' as const, reason } });

const segments: KindComputation<'segments'> = ({ run, fold, now }) => {
  const table = customerFeatures(fold.customers.activity(), now);
  const result = segmentCustomers(table, { k: run.parameters.segments.k, seed: run.parameters.seed });
  const chosen = result.candidates.find((c) => c.k === result.k);
  return {
    result: {
      status: 'ok',
      summary: {
        k: result.k,
        chosenBy: result.chosenBy,
        silhouette: rounded(chosen?.silhouette),
        customers: table.ids.length,
        segments: result.segments.map((s) => ({ id: s.id, label: s.label, size: s.size })),
      },
    },
    value: { table, result, mainCurrency: fold.customers.mainCurrency() },
  };
};

const classifier: KindComputation<'classifier'> = ({ run, fold }) => {
  const samples = fold.texts.samples();
  const outcome = trainTextClassifier(samples, {
    seed: run.parameters.seed,
    testSize: run.parameters.classifier.testSize,
  });
  if (!outcome.ok) return insufficient(outcome.reason);
  const sample = {
    labelledNeeds: fold.counts.labelledNeeds,
    kept: samples.length,
    sampled: fold.texts.sampled,
  };
  return {
    result: {
      status: 'ok',
      summary: {
        accuracy: rounded(outcome.metrics.accuracy),
        macroF1: rounded(outcome.metrics.macroF1),
        types: outcome.metrics.perClass.length,
        train: outcome.metrics.train,
        test: outcome.metrics.test,
        majorityAccuracy: rounded(outcome.baselines.majority.accuracy),
        naiveBayesAccuracy: rounded(outcome.baselines.naiveBayes.accuracy),
        converged: outcome.training.converged,
        ...sample,
      },
    },
    value: { outcome, sample },
  };
};

const trends: KindComputation<'trends'> = ({ run, fold, now, timeZone }) => {
  const series = fold.weeks.series(now);
  if (series.length === 0) return insufficient('No complete week with needs yet: trends count whole weeks.');
  const result = needTrends(series, { horizon: run.parameters.trends.horizon });
  return {
    result: {
      status: 'ok',
      summary: {
        series: result.length,
        surging: result.filter((t) => t.surge.flag).map((t) => t.key),
        forecastsBeatingSeasonalNaive: result.filter(
          (t) => 'backtest' in t.forecast && t.forecast.backtest.beatsSeasonalNaive,
        ).length,
        timeZone,
      },
    },
    value: { trends: result, timeZone },
  };
};

const recommendations: KindComputation<'recommendations'> = ({ fold }) => {
  const model = fold.baskets.model();
  if (model.baskets === 0)
    return insufficient('No orders APPROVED or later: there is nothing bought together to learn from.');
  return {
    result: {
      status: 'ok',
      summary: {
        baskets: model.baskets,
        productsWithNeighbours: Object.keys(model.neighbours).length,
        popular: model.popular.length,
      },
    },
    value: model,
  };
};

export const KIND_COMPUTATIONS: { [K in AnalysisKind]: KindComputation<K> } = {
  segments,
  classifier,
  trends,
  recommendations,
};

/** One kind, never throwing: what went wrong is the kind's result. */
export function computeKind<K extends AnalysisKind>(
  compute: KindComputation<K>,
  inputs: KindInputs,
): KindOutcome<K> {
  try {
    return compute(inputs);
  } catch (error) {
    if (error instanceof InsufficientDataError) return insufficient(error.reason);
    return { result: { status: 'failed', reason: (error as Error).message ?? String(error) } };
  }
}
