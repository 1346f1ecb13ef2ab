import { type LinearWeights, scoresInto, softmaxInPlace } from './logistic';
import { indexOf, tfidfEntries } from './tfidf';
import { type TokenizerSettings, terms } from './tokenize';

/**
 * A trained need-type classifier as plain JSON-serialisable data: everything `classifyText` needs,
 * nothing of the training set. Numbers are float32 values (the trainer rounds them), so the
 * model survives `modelToBytes`/`modelFromBytes` unchanged.
 */
export interface TextClassifierModel {
  format: 'tfidf-logistic/1';
  /** The need types it can suggest, in the order of the weights' columns. */
  labels: string[];
  tokenizer: TokenizerSettings;
  /** The terms (words and word pairs) it knows; `idf[i]` and `weights[i·K … i·K + K)` belong to `vocabulary[i]`. */
  vocabulary: string[];
  idf: number[];
  /** vocabulary.length × labels.length, term-major. */
  weights: number[];
  bias: number[];
  /** Each label's share of the training needs: the answer for a text with no known term. */
  prior: number[];
  /** Labelled needs it was trained on. */
  trainedOn: number;
}

/** The lookup structures of a model, built once per model object rather than per need. */
const prepared = new WeakMap<TextClassifierModel, { index: Map<string, number>; linear: LinearWeights }>();

function prepare(model: TextClassifierModel) {
  let ready = prepared.get(model);
  if (!ready) {
    ready = {
      index: indexOf(model.vocabulary),
      linear: {
        classes: model.labels.length,
        features: model.vocabulary.length,
        weights: Float64Array.from(model.weights),
        bias: Float64Array.from(model.bias),
      },
    };
    prepared.set(model, ready);
  }
  return ready;
}

/**
 * The probability of each of the model's labels for `text` (softmax of the linear scores). These
 * are the model's own probabilities: logistic regression is fitted by minimising log loss, so
 * they are calibrated on data like its training set (the held-out expected calibration error
 * is reported with the metrics).
 */
export function labelProbabilities(model: TextClassifierModel, text: string): Float64Array {
  const { index, linear } = prepare(model);
  const entries = tfidfEntries(terms(text, model.tokenizer), index, model.idf);
  // No known term is no evidence: every training row had some, so the weights say nothing about
  // an empty row (the bias alone is not the prior); the label shares are the honest answer.
  if (!entries.length) return Float64Array.from(model.prior);
  const probabilities = new Float64Array(linear.classes);
  scoresInto(
    linear,
    entries.map(([column]) => column),
    entries.map(([, value]) => value),
    0,
    entries.length,
    probabilities,
  );
  softmaxInPlace(probabilities);
  return probabilities;
}

/** The index of the largest value; the first of equals, so ties go the same way every time. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/**
 * The most probable type of a need's text and its probability. A text with no known term gets
 * the most common type with its share as the confidence, which says how little that means.
 */
export function classifyText(
  model: TextClassifierModel,
  text: string,
): { label: string; confidence: number } {
  const probabilities = labelProbabilities(model, text);
  const best = argmax(probabilities);
  return { label: model.labels[best] as string, confidence: probabilities[best] as number };
}
