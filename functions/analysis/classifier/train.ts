import { seededRandom } from '../random';
import { type LinearWeights, scoresInto, softmaxInPlace, trainLogistic } from './logistic';
import {
  type ClassMetrics,
  calibrationOf,
  confusionMatrix,
  type Scores,
  scoresOf,
  stratifiedSplit,
} from './metrics';
import { argmax, type TextClassifierModel } from './model';
import { termsThatFit } from './model-bytes';
import { trainNaiveBayes } from './naive-bayes';
import { countRows, fitVocabulary, indexOf, type SparseRows, smoothIdf, tfidfRows } from './tfidf';
import { DEFAULT_TOKENIZER, terms } from './tokenize';

/**
 * Training the need-type classifier on a tenant's typed needs: tf-idf over words and word pairs,
 * multinomial logistic regression trained to convergence, judged on a stratified held-out split
 * against the majority class and multinomial naive Bayes. The stored model is then refitted on
 * all labelled needs with the same settings: the held-out figures estimate how well this recipe
 * does on unseen needs, and the model should not throw away a fifth of a small tenant's labels.
 */
export type { ClassMetrics } from './metrics';
export type { TextClassifierModel } from './model';

export interface LabelledText {
  text: string;
  label: string;
}

export interface ClassifierParams {
  seed: number;
  /** Share of each type held out for the metrics (stratified). Default 0.2. */
  testSize?: number;
  /** Types with fewer labelled needs are left out of the model (it cannot learn or test them). Default 5. */
  minPerClass?: number;
  /** Fewer labelled needs (of the types kept) → no model. Default 30. */
  minLabelled?: number;
  /** Most terms kept (by document frequency), before the model-size cap. Default 20,000. */
  maxVocabulary?: number;
  /** Terms in fewer training needs are dropped. Default 2. */
  minDf?: number;
  /** Inverse L2 strength (scikit-learn's C). Default 10, chosen by measurement (docs/analysis.md). */
  c?: number;
  maxIterations?: number;
}

export interface ClassifierMetrics extends Scores {
  perClass: ClassMetrics[];
  train: number;
  test: number;
  /** Of the logistic model's held-out probabilities: expected calibration error (10 bins) and log loss. */
  calibration?: { expectedCalibrationError: number; logLoss: number };
}

export type TrainingOutcome =
  | {
      ok: true;
      model: TextClassifierModel;
      metrics: ClassifierMetrics;
      baselines: {
        majority: { label: string; accuracy: number; macroF1: number };
        naiveBayes: { accuracy: number; macroF1: number };
      };
      /** Of the stored model's fit (all labelled needs). `stop`: which test ended it. */
      training: { iterations: number; converged: boolean; ms: number; stop: string; gradientNorm: number };
      /** Labelled needs per type, and the types left out for having fewer than minPerClass. */
      counts: Record<string, number>;
      excluded: string[];
    }
  | { ok: false; reason: string; counts: Record<string, number> };

export const CLASSIFIER_DEFAULTS = {
  testSize: 0.2,
  minPerClass: 5,
  minLabelled: 30,
  maxVocabulary: 20_000,
  minDf: 2,
  c: 10,
  maxIterations: 1000,
  /** Largest gradient component at the optimum; the loss test (relative change) backs it up. */
  gradientTolerance: 1e-5,
  lossTolerance: 1e-10,
} as const;

interface Fitted {
  vocabulary: string[];
  index: Map<string, number>;
  idf: number[];
  logistic: ReturnType<typeof trainLogistic>;
}

function fitPipeline(
  documents: string[][],
  y: Int32Array,
  labels: readonly string[],
  options: Required<ClassifierParams>,
): Fitted {
  const { terms: candidates, df } = fitVocabulary(documents, {
    minDf: options.minDf,
    maxTerms: options.maxVocabulary,
  });
  // The most frequent terms that fit in the stored model, so the stored model is the trained one.
  const kept = termsThatFit(candidates, labels);
  const vocabulary = candidates.slice(0, kept);
  const idf = df.slice(0, kept).map((d) => Math.fround(smoothIdf(d, documents.length)));
  const index = indexOf(vocabulary);
  const logistic = trainLogistic(tfidfRows(documents, index, idf), y, labels.length, vocabulary.length, {
    c: options.c,
    gradientTolerance: CLASSIFIER_DEFAULTS.gradientTolerance,
    lossTolerance: CLASSIFIER_DEFAULTS.lossTolerance,
    maxIterations: options.maxIterations,
  });
  return { vocabulary, index, idf, logistic };
}

/** Each row's probabilities under a linear model (softmax of its scores). */
function probabilitiesOf(model: LinearWeights, rows: SparseRows): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < rows.rows; i++) {
    const scores = new Float64Array(model.classes);
    scoresInto(
      model,
      rows.cols,
      rows.values,
      rows.rowStart[i] as number,
      rows.rowStart[i + 1] as number,
      scores,
    );
    softmaxInPlace(scores);
    out.push(scores);
  }
  return out;
}

const pick = <T>(items: readonly T[], indices: readonly number[]) => indices.map((i) => items[i] as T);

export function trainTextClassifier(
  samples: readonly LabelledText[],
  params: ClassifierParams,
): TrainingOutcome {
  const options: Required<ClassifierParams> = { ...CLASSIFIER_DEFAULTS, ...params };
  const counts: Record<string, number> = {};
  for (const sample of samples) if (sample.label) counts[sample.label] = (counts[sample.label] ?? 0) + 1;
  const labels = Object.keys(counts)
    .filter((label) => (counts[label] as number) >= options.minPerClass)
    .sort();
  const excluded = Object.keys(counts)
    .filter((label) => !labels.includes(label))
    .sort();
  if (labels.length < 2)
    return {
      ok: false,
      reason: `${labels.length} need type(s) with at least ${options.minPerClass} labelled needs; a classifier needs at least 2.`,
      counts,
    };
  const usable = samples.filter((sample) => labels.includes(sample.label));
  if (usable.length < options.minLabelled)
    return {
      ok: false,
      reason: `${usable.length} labelled needs of the types with at least ${options.minPerClass} each; training needs at least ${options.minLabelled}.`,
      counts,
    };

  const classOf = new Map(labels.map((label, c) => [label, c]));
  const documents = usable.map((sample) => terms(sample.text, DEFAULT_TOKENIZER));
  const y = Int32Array.from(usable, (sample) => classOf.get(sample.label) as number);
  const split = stratifiedSplit(y, options.testSize, seededRandom(options.seed));
  const trainDocuments = pick(documents, split.train);
  const trainY = Int32Array.from(split.train, (i) => y[i] as number);
  const testDocuments = pick(documents, split.test);
  const testY = Int32Array.from(split.test, (i) => y[i] as number);

  // Held-out evaluation: everything (vocabulary and idf included) learned from the training part only.
  const evaluation = fitPipeline(trainDocuments, trainY, labels, options);
  const testRows = tfidfRows(testDocuments, evaluation.index, evaluation.idf);
  const probabilities = probabilitiesOf(evaluation.logistic, testRows);
  const predicted = probabilities.map(argmax);
  const scores = scoresOf(confusionMatrix(testY, predicted, labels.length), labels);
  const calibration = calibrationOf(
    probabilities.map((p, i) => p[predicted[i] as number] as number),
    predicted.map((p, i) => p === testY[i]),
    probabilities.map((p, i) => p[testY[i] as number] as number),
  );

  const bayes = trainNaiveBayes(
    countRows(trainDocuments, evaluation.index),
    trainY,
    labels.length,
    evaluation.vocabulary.length,
  );
  const bayesScores = scoresOf(
    confusionMatrix(
      testY,
      probabilitiesOf(bayes, countRows(testDocuments, evaluation.index)).map(argmax),
      labels.length,
    ),
    labels,
  );
  const trainCounts = new Array<number>(labels.length).fill(0);
  for (const c of trainY) trainCounts[c] = (trainCounts[c] as number) + 1;
  const majority = argmax(trainCounts);
  const majorityScores = scoresOf(
    confusionMatrix(testY, new Array(testY.length).fill(majority), labels.length),
    labels,
  );

  const started = performance.now();
  const final = fitPipeline(documents, y, labels, options);
  const ms = performance.now() - started;
  const model: TextClassifierModel = {
    format: 'tfidf-logistic/1',
    labels,
    tokenizer: DEFAULT_TOKENIZER,
    vocabulary: final.vocabulary,
    idf: final.idf,
    weights: Array.from(final.logistic.weights, Math.fround),
    bias: Array.from(final.logistic.bias, Math.fround),
    prior: labels.map((label) => Math.fround((counts[label] as number) / usable.length)),
    trainedOn: usable.length,
  };
  return {
    ok: true,
    model,
    metrics: { ...scores, train: split.train.length, test: split.test.length, calibration },
    baselines: {
      majority: {
        label: labels[majority] as string,
        accuracy: majorityScores.accuracy,
        macroF1: majorityScores.macroF1,
      },
      naiveBayes: { accuracy: bayesScores.accuracy, macroF1: bayesScores.macroF1 },
    },
    training: {
      iterations: final.logistic.iterations,
      converged: final.logistic.converged,
      ms,
      stop: final.logistic.stop,
      gradientNorm: final.logistic.gradientNorm,
    },
    counts,
    excluded,
  };
}
