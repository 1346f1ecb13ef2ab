import type { LinearWeights } from './logistic';
import type { SparseRows } from './tfidf';

/**
 * Multinomial naive Bayes over term counts, the baseline the logistic model must beat: a class's
 * score is log P(class) + Σ count(term)·log P(term | class), with add-`alpha` (Laplace) smoothing
 * so that a term never seen with a class does not rule it out. That score is linear in the counts,
 * so the model is returned as weights (log P(term | class)) and a bias (log prior) and scored
 * with the same code as the logistic model.
 */
export function trainNaiveBayes(
  counts: SparseRows,
  y: Int32Array,
  classes: number,
  features: number,
  alpha = 1,
): LinearWeights {
  const termCounts = new Float64Array(features * classes);
  const classTotals = new Float64Array(classes);
  const documents = new Float64Array(classes);
  for (let i = 0; i < counts.rows; i++) {
    const label = y[i] as number;
    documents[label] = (documents[label] as number) + 1;
    for (let e = counts.rowStart[i] as number; e < (counts.rowStart[i + 1] as number); e++) {
      const at = (counts.cols[e] as number) * classes + label;
      termCounts[at] = (termCounts[at] as number) + (counts.values[e] as number);
      classTotals[label] = (classTotals[label] as number) + (counts.values[e] as number);
    }
  }
  const weights = new Float64Array(features * classes);
  for (let term = 0; term < features; term++)
    for (let c = 0; c < classes; c++)
      weights[term * classes + c] = Math.log(
        ((termCounts[term * classes + c] as number) + alpha) /
          ((classTotals[c] as number) + alpha * features),
      );
  const bias = documents.map((d) => Math.log(d / counts.rows));
  return { classes, features, weights, bias };
}
