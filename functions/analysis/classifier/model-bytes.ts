import type { TextClassifierModel } from './model';

/**
 * A model as bytes for one DynamoDB item (400 KB, shared with the run's metrics): at most
 * MAX_MODEL_BYTES, always. Layout, little-endian:
 *
 *   "OTC1" | u32 n, n bytes of JSON header (format, labels, tokenizer, prior, trainedOn, terms)
 *          | u32 m, m bytes of UTF-8 terms joined by "\n" (a term never holds a line break)
 *          | float32 idf[terms] | float32 weights[terms × labels] | float32 bias[labels]
 *
 * Weights are float32 (half the size of JSON numbers' shortest form, a quarter of float64),
 * which is far finer than the model's own uncertainty. The trainer keeps the vocabulary small
 * enough to fit (`termsThatFit`); a model that still does not fit loses its least influential terms.
 */
export const MAX_MODEL_BYTES = 300_000;

const MAGIC = 'OTC1';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function headerOf(model: TextClassifierModel, terms: number): Uint8Array {
  const { format, labels, tokenizer, prior, trainedOn } = model;
  return encoder.encode(JSON.stringify({ format, labels, tokenizer, prior, trainedOn, terms }));
}

/** Bytes a model of `labels` needs besides its terms, and each term's own share. */
function costs(model: Pick<TextClassifierModel, 'labels'> & Partial<TextClassifierModel>) {
  const header = encoder.encode(
    JSON.stringify({
      format: model.format ?? 'tfidf-logistic/1',
      labels: model.labels,
      tokenizer: model.tokenizer ?? { version: 1, ngrams: 2, stopWords: 'none' },
      // A float32 value held in a double prints in at most 17 digits, a dot and an exponent
      // (1.1920928955078125e-7): 22 characters and quotes are at least as long.
      prior: model.labels.map(() => '0'.repeat(22)),
      trainedOn: Number.MAX_SAFE_INTEGER,
      terms: Number.MAX_SAFE_INTEGER,
    }),
  ).length;
  return {
    fixed: MAGIC.length + 4 + header + 4 + 4 * model.labels.length,
    perTerm: 4 + 4 * model.labels.length + 1,
  };
}

/** How many of `terms`, taken in order, fit in MAX_MODEL_BYTES beside the weights of `labels`. */
export function termsThatFit(terms: readonly string[], labels: readonly string[]): number {
  const { fixed, perTerm } = costs({ labels: [...labels] });
  let used = fixed;
  for (let i = 0; i < terms.length; i++) {
    used += perTerm + encoder.encode(terms[i] as string).length;
    if (used > MAX_MODEL_BYTES) return i;
  }
  return terms.length;
}

/**
 * The model cut to the terms that fit, keeping the most influential: a term's influence is its
 * idf (the largest value it can take in a row, before normalisation) times the length of its
 * weight vector (how far it moves the scores).
 */
function shrunk(model: TextClassifierModel): TextClassifierModel {
  const k = model.labels.length;
  const influence = model.vocabulary.map((_, term) => {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += (model.weights[term * k + c] as number) ** 2;
    return (model.idf[term] as number) * Math.sqrt(sum);
  });
  const order = model.vocabulary.map((_, term) => term);
  order.sort((a, b) => (influence[b] as number) - (influence[a] as number) || a - b);
  const keep = order
    .slice(
      0,
      termsThatFit(
        order.map((term) => model.vocabulary[term] as string),
        model.labels,
      ),
    )
    .sort((a, b) => a - b);
  return {
    ...model,
    vocabulary: keep.map((term) => model.vocabulary[term] as string),
    idf: keep.map((term) => model.idf[term] as number),
    weights: keep.flatMap((term) => model.weights.slice(term * k, term * k + k)),
  };
}

export function modelToBytes(model: TextClassifierModel): Uint8Array {
  const fits = termsThatFit(model.vocabulary, model.labels) === model.vocabulary.length;
  const kept = fits ? model : shrunk(model);
  const header = headerOf(kept, kept.vocabulary.length);
  const termBytes = encoder.encode(kept.vocabulary.join('\n'));
  const floats = kept.idf.length + kept.weights.length + kept.bias.length;
  const size = MAGIC.length + 4 + header.length + 4 + termBytes.length + 4 * floats;
  if (size > MAX_MODEL_BYTES)
    throw new Error(`A model of ${kept.labels.length} labels does not fit in ${MAX_MODEL_BYTES} bytes.`);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  bytes.set(encoder.encode(MAGIC), at);
  at += MAGIC.length;
  view.setUint32(at, header.length, true);
  bytes.set(header, at + 4);
  at += 4 + header.length;
  view.setUint32(at, termBytes.length, true);
  bytes.set(termBytes, at + 4);
  at += 4 + termBytes.length;
  for (const values of [kept.idf, kept.weights, kept.bias])
    for (const value of values) {
      view.setFloat32(at, value, true);
      at += 4;
    }
  return bytes;
}

export function modelFromBytes(bytes: Uint8Array): TextClassifierModel {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (decoder.decode(bytes.subarray(0, MAGIC.length)) !== MAGIC)
    throw new Error('Not a stored text classifier.');
  let at = MAGIC.length;
  const headerLength = view.getUint32(at, true);
  const header = JSON.parse(decoder.decode(bytes.subarray(at + 4, at + 4 + headerLength)));
  at += 4 + headerLength;
  const termLength = view.getUint32(at, true);
  const terms = header.terms as number;
  const vocabulary = terms ? decoder.decode(bytes.subarray(at + 4, at + 4 + termLength)).split('\n') : [];
  at += 4 + termLength;
  const floats = (count: number) => {
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(at + 4 * i, true);
    at += 4 * count;
    return values;
  };
  const k = header.labels.length as number;
  const idf = floats(terms);
  const weights = floats(terms * k);
  const bias = floats(k);
  if (at !== bytes.length || vocabulary.length !== terms)
    throw new Error('A stored text classifier is cut short or has bytes after its end.');
  return {
    format: header.format,
    labels: header.labels,
    tokenizer: header.tokenizer,
    vocabulary,
    idf,
    weights,
    bias,
    prior: header.prior,
    trainedOn: header.trainedOn,
  };
}
