/**
 * The need-type classifier, as the runs and the API use it: train on typed needs, store the model
 * as bytes, suggest a type for a need's text.
 */
export { type ClassMetrics, calibrationOf, confusionMatrix, scoresOf, stratifiedSplit } from './metrics';
export { classifyText, labelProbabilities, type TextClassifierModel } from './model';
export { MAX_MODEL_BYTES, modelFromBytes, modelToBytes } from './model-bytes';
export { needText, type TokenizerSettings, terms, words } from './tokenize';
export {
  CLASSIFIER_DEFAULTS,
  type ClassifierMetrics,
  type ClassifierParams,
  type LabelledText,
  type TrainingOutcome,
  trainTextClassifier,
} from './train';
