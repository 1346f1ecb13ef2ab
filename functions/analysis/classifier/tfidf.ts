/**
 * Term weights for a linear model: tf-idf with sublinear tf (1 + ln count, so a word repeated ten
 * times is not ten times the evidence), smooth idf (ln((1 + n) / (1 + df)) + 1: as if one extra
 * document held every term, so no idf is infinite or zero), each row scaled to unit length (long
 * descriptions and one-line titles weigh the same). The same definitions as scikit-learn's
 * TfidfVectorizer(sublinear_tf=True), so figures can be compared.
 */

/** Rows of a sparse matrix (CSR): row i's entries are `cols`/`values` from `rowStart[i]` to `rowStart[i + 1]`. */
export interface SparseRows {
  rows: number;
  rowStart: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

export interface VocabularyOptions {
  /** Terms in fewer documents are dropped: a word seen once is a typo or a name more often than a signal. */
  minDf: number;
  /** At most this many terms, the most frequent by document frequency (ties by text, for repeatability). */
  maxTerms: number;
}

/** The terms kept from the training documents, most frequent first, with their document frequencies. */
export function fitVocabulary(
  documents: readonly (readonly string[])[],
  options: VocabularyOptions,
): { terms: string[]; df: number[] } {
  const df = new Map<string, number>();
  for (const document of documents)
    for (const term of new Set(document)) df.set(term, (df.get(term) ?? 0) + 1);
  const kept = [...df].filter(([, count]) => count >= options.minDf);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)); // terms are distinct: never equal
  const top = kept.slice(0, Math.max(0, options.maxTerms));
  return { terms: top.map(([term]) => term), df: top.map(([, count]) => count) };
}

/** Smooth idf of a term found in `df` of `documents` documents. */
export const smoothIdf = (df: number, documents: number): number => Math.log((1 + documents) / (1 + df)) + 1;

/** Each term's position in the vocabulary. */
export const indexOf = (terms: readonly string[]): Map<string, number> =>
  new Map(terms.map((term, i) => [term, i]));

/** How often each known term occurs in a document (unknown terms are ignored). */
function countsOf(document: readonly string[], index: ReadonlyMap<string, number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const term of document) {
    const column = index.get(term);
    if (column !== undefined) counts.set(column, (counts.get(column) ?? 0) + 1);
  }
  return counts;
}

function rowsOf(
  documents: readonly (readonly string[])[],
  index: ReadonlyMap<string, number>,
  row: (counts: Map<number, number>) => [number, number][],
): SparseRows {
  const rowStart = new Int32Array(documents.length + 1);
  const cols: number[] = [];
  const values: number[] = [];
  documents.forEach((document, i) => {
    for (const [column, value] of row(countsOf(document, index))) {
      cols.push(column);
      values.push(value);
    }
    rowStart[i + 1] = cols.length;
  });
  return { rows: documents.length, rowStart, cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

/** The tf-idf entries of one document: sublinear tf × idf, scaled to unit Euclidean length. */
export function tfidfEntries(
  document: readonly string[],
  index: ReadonlyMap<string, number>,
  idf: ArrayLike<number>,
): [number, number][] {
  return tfidfOfCounts(countsOf(document, index), idf);
}

function tfidfOfCounts(counts: Map<number, number>, idf: ArrayLike<number>): [number, number][] {
  const entries: [number, number][] = [];
  let norm = 0;
  for (const [column, count] of counts) {
    const value = (1 + Math.log(count)) * (idf[column] as number);
    entries.push([column, value]);
    norm += value * value;
  }
  // Every idf is at least 1 (smooth idf), so the norm is 0 only when there are no entries to scale.
  norm = Math.sqrt(norm);
  for (const entry of entries) entry[1] /= norm;
  return entries;
}

/** The tf-idf matrix of `documents` over a vocabulary (`index`) with its idf. */
export const tfidfRows = (
  documents: readonly (readonly string[])[],
  index: ReadonlyMap<string, number>,
  idf: ArrayLike<number>,
): SparseRows => rowsOf(documents, index, (counts) => tfidfOfCounts(counts, idf));

/** Raw term counts, for the multinomial naive Bayes baseline (it models counts, not tf-idf). */
export const countRows = (documents: readonly (readonly string[])[], index: ReadonlyMap<string, number>) =>
  rowsOf(documents, index, (counts) => [...counts]);
