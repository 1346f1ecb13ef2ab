import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  classifyText,
  labelProbabilities,
  type TextClassifierModel,
} from '../../functions/analysis/classifier/model';
import {
  MAX_MODEL_BYTES,
  modelFromBytes,
  modelToBytes,
  termsThatFit,
} from '../../functions/analysis/classifier/model-bytes';
import { DEFAULT_TOKENIZER } from '../../functions/analysis/classifier/tokenize';
import { trainTextClassifier } from '../../functions/analysis/classifier/train';
import { gaussian, randomInt, seededRandom } from '../../functions/analysis/random';
import { syntheticNeeds } from '../fixtures/analysis/classifier-synthetic-needs';

const texts = [
  'Compressor not working, error code shown',
  'Please send a quotation for 20 units',
  'Wrong item delivered again',
  'Annual service visit for the gearbox',
  'Tracking number for our order?',
  'zzz',
  '',
];

/**
 * A model over 20 labels and `vocabulary`, too large to store whole: each term's weights point in a
 * random direction with length `influence(i)` and every idf is 2, so a term's influence is known.
 */
function wideModel(options: {
  seed: number;
  vocabulary: string[];
  influence: (index: number) => number;
  bias: number;
  trainedOn: number;
}): TextClassifierModel {
  const random = seededRandom(options.seed);
  const labels = Array.from({ length: 20 }, (_, c) => `type_${c}`);
  return {
    format: 'tfidf-logistic/1',
    labels,
    tokenizer: DEFAULT_TOKENIZER,
    vocabulary: options.vocabulary,
    idf: options.vocabulary.map(() => Math.fround(2)),
    weights: options.vocabulary.flatMap((_, i) => {
      const direction = labels.map(() => gaussian(random));
      const length = Math.hypot(...direction);
      return direction.map((d) => Math.fround((options.influence(i) * d) / length));
    }),
    bias: labels.map(() => (options.bias ? Math.fround(options.bias * gaussian(random)) : 0)),
    prior: labels.map(() => Math.fround(1 / 20)),
    trainedOn: options.trainedOn,
  };
}

describe('the stored model', () => {
  it('round-trips a trained model through bytes unchanged, so it classifies identically', () => {
    const outcome = trainTextClassifier(syntheticNeeds(1500, 11), { seed: 2 });
    assert.ok(outcome.ok);
    const bytes = modelToBytes(outcome.model);
    assert.ok(bytes.length <= MAX_MODEL_BYTES);
    const back = modelFromBytes(bytes);
    assert.deepEqual(back, outcome.model);
    for (const text of texts) {
      assert.deepEqual(classifyText(back, text), classifyText(outcome.model, text));
      assert.deepEqual(labelProbabilities(back, text), labelProbabilities(outcome.model, text));
    }
    // A copy in another buffer, at an offset (as a DynamoDB Binary may arrive), reads the same.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    assert.deepEqual(modelFromBytes(shifted.subarray(3)), outcome.model);
  });

  it('keeps a model trained on a very large vocabulary within the limit, without dropping a trained term', () => {
    // 3,000 needs over 12 types, each with rare words from a pool of 40,000: far more terms than fit.
    const random = seededRandom(5);
    const word = () => `w${randomInt(random, 40_000).toString(36)}`;
    const samples = Array.from({ length: 3000 }, (_, i) => ({
      text: `${Array.from({ length: 25 }, word).join(' ')} marker${i % 12}`,
      label: `type_${i % 12}`,
    }));
    const outcome = trainTextClassifier(samples, { seed: 1, maxVocabulary: 100_000 });
    assert.ok(outcome.ok);
    assert.equal(
      outcome.model.vocabulary.length,
      termsThatFit(outcome.model.vocabulary, outcome.model.labels),
    );
    const bytes = modelToBytes(outcome.model);
    assert.ok(bytes.length <= MAX_MODEL_BYTES, `${bytes.length} bytes`);
    // Most of the budget is used: the cap is the size, not a guess far below it.
    assert.ok(bytes.length > 0.95 * MAX_MODEL_BYTES, `${bytes.length} bytes`);
    assert.deepEqual(modelFromBytes(bytes), outcome.model);
  });

  it('shrinks a model that does not fit to its most influential terms, and classifies texts of those terms as before', () => {
    const size = 50_000;
    const vocabulary = Array.from({ length: size }, (_, i) => `term${i}`);
    // Influence (idf × weight length) falls with the index, so the first terms are the ones to keep.
    const model = wideModel({
      seed: 8,
      vocabulary,
      influence: (i) => 1 / (1 + i / 100),
      bias: 0.1,
      trainedOn: 1234,
    });
    const { labels } = model;
    const bytes = modelToBytes(model);
    assert.ok(bytes.length <= MAX_MODEL_BYTES, `${bytes.length} bytes`);
    const back = modelFromBytes(bytes);
    const kept = back.vocabulary.length;
    assert.ok(kept > 1000 && kept < size, `${kept} terms kept`);
    assert.deepEqual(back.vocabulary, vocabulary.slice(0, kept));
    assert.deepEqual(back.weights, model.weights.slice(0, kept * labels.length));
    assert.deepEqual(
      [back.labels, back.bias, back.prior, back.trainedOn],
      [model.labels, model.bias, model.prior, 1234],
    );
    for (const text of ['term0 term5 term17', 'term999 term3', `term${kept - 1}`])
      assert.deepEqual(labelProbabilities(back, text), labelProbabilities(model, text));
  });

  it('ranks terms by influence, not by their place: the most influential last terms are the ones kept', () => {
    const size = 50_000;
    const vocabulary = Array.from({ length: size }, (_, i) => `t${String(i).padStart(5, '0')}`);
    // Influence rises with the index; the weight vectors' lengths carry it (idf is the same for all).
    const model = wideModel({ seed: 9, vocabulary, influence: (i) => 1 + i / 100, bias: 0, trainedOn: 1 });
    const { labels } = model;
    const back = modelFromBytes(modelToBytes(model));
    const kept = back.vocabulary.length;
    assert.ok(kept > 1000 && kept < size, `${kept} terms kept`);
    assert.deepEqual(back.vocabulary, vocabulary.slice(size - kept));
    assert.deepEqual(back.weights, model.weights.slice((size - kept) * labels.length));
  });

  it('refuses bytes that are not a stored model or are cut short', () => {
    assert.throws(
      () => modelFromBytes(new TextEncoder().encode('{"labels":[]}')),
      /Not a stored text classifier/,
    );
    const outcome = trainTextClassifier(syntheticNeeds(300, 1), { seed: 1 });
    assert.ok(outcome.ok);
    const bytes = modelToBytes(outcome.model);
    assert.throws(() => modelFromBytes(bytes.subarray(0, bytes.length - 4)), RangeError);
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    assert.throws(() => modelFromBytes(longer), /cut short or has bytes after its end/);
  });

  it('lays a model out as documented, starting with the magic header "OTC1", and refuses bytes with another header', () => {
    const model: TextClassifierModel = {
      format: 'tfidf-logistic/1',
      labels: ['repair', 'quote'],
      tokenizer: DEFAULT_TOKENIZER,
      vocabulary: ['pump', 'price'],
      idf: [1.5, 2],
      weights: [0.5, -0.5, -0.25, 0.75],
      bias: [0.125, -0.125],
      prior: [0.5, 0.5],
      trainedOn: 40,
    };
    const bytes = modelToBytes(model);
    const encoder = new TextEncoder();
    const header = encoder.encode(
      '{"format":"tfidf-logistic/1","labels":["repair","quote"],' +
        '"tokenizer":{"version":1,"ngrams":2,"stopWords":"en"},"prior":[0.5,0.5],"trainedOn":40,"terms":2}',
    );
    const terms = encoder.encode('pump\nprice');
    const u32 = (n: number) => {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, n, true);
      return out;
    };
    const f32 = (values: number[]) => {
      const out = new Uint8Array(4 * values.length);
      const view = new DataView(out.buffer);
      for (const [i, v] of values.entries()) view.setFloat32(4 * i, v, true);
      return out;
    };
    const expected = [
      [0x4f, 0x54, 0x43, 0x31], // "OTC1"
      u32(header.length),
      header,
      u32(terms.length),
      terms,
      f32([1.5, 2, 0.5, -0.5, -0.25, 0.75, 0.125, -0.125]),
    ].flatMap((part) => Array.from(part));
    assert.deepEqual(Array.from(bytes), expected);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'OTC1');
    assert.deepEqual(modelFromBytes(bytes), model);

    const refused = { name: 'Error', message: 'Not a stored text classifier.' };
    // Any one of the four magic bytes changed (a later format, another file, lower case).
    for (const [at, byte] of [
      [0, 0x6f],
      [1, 0x00],
      [2, 0x44],
      [3, 0x32],
    ] as const) {
      const other = bytes.slice();
      other[at] = byte;
      assert.throws(() => modelFromBytes(other), refused, `byte ${at}`);
    }
    // Too short to hold the header.
    assert.throws(() => modelFromBytes(bytes.slice(0, 3)), refused);
    assert.throws(() => modelFromBytes(new Uint8Array(0)), refused);
  });

  it('throws rather than write more than the limit when even the labels do not fit', () => {
    const labels = Array.from({ length: 20_000 }, (_, i) => `a_need_type_with_a_rather_long_name_${i}`);
    const model: TextClassifierModel = {
      format: 'tfidf-logistic/1',
      labels,
      tokenizer: DEFAULT_TOKENIZER,
      vocabulary: ['pump'],
      idf: [1],
      weights: labels.map(() => 0),
      bias: labels.map(() => 0),
      prior: labels.map(() => 1 / labels.length),
      trainedOn: 20_000,
    };
    assert.throws(() => modelToBytes(model), /A model of 20000 labels does not fit in 300000 bytes/);
  });
});
