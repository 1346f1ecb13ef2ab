import { ENGLISH_STOP_WORDS } from './stop-words';

/**
 * How a need's text becomes terms. Stored with each model, so that a need classified months later
 * is cut exactly as the needs the model learned from were.
 */
export interface TokenizerSettings {
  /** Bumped when the rules below change, so that an old model is not fed differently cut terms. */
  version: 1;
  /** 1: words only; 2: words and pairs of neighbouring words ("not working", "spare parts"). */
  ngrams: 1 | 2;
  stopWords: 'en' | 'none';
}

export const DEFAULT_TOKENIZER: TokenizerSettings = { version: 1, ngrams: 2, stopWords: 'en' };

/**
 * Scripts written without spaces between words (Chinese, Japanese, Thai, …): a run of them is one
 * sentence, not one word, so each character (with its combining marks) is a token of its own and
 * the pairs of neighbours play the part of words. Script_Extensions, so that marks shared by
 * scripts (the Katakana-Hiragana prolonged sound mark ー) count with them.
 */
const UNSPACED =
  '\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Thai}\\p{scx=Lao}\\p{scx=Khmer}\\p{scx=Myanmar}';
/** A character of an unspaced script, or a run of letters and digits of any other (accents included). */
const TOKEN = new RegExp(`[${UNSPACED}]\\p{M}*|(?:(?![${UNSPACED}])[\\p{L}\\p{N}]\\p{M}*)+`, 'gu');
const SINGLE_UNSPACED = new RegExp(`^[${UNSPACED}]`, 'u');
/** `customer's` → `customer`: the possessive says nothing about the kind of need. */
const POSSESSIVE = /(?<=[\p{L}\p{N}])['’ʼ]s(?![\p{L}\p{N}])/gu;
/** `don't` → `dont`, `O'Brien` → `obrien`: one word, not two fragments. */
const INNER_APOSTROPHE = /(?<=[\p{L}\p{N}])['’ʼ](?=[\p{L}\p{N}])/gu;

/**
 * The words of `text`: NFKC-normalised (full-width letters, ligatures and compatibility forms
 * become their plain equivalents, composed accents stay composed), lower-cased, split into runs of
 * letters and digits of any script. Accents are kept — `schon` and `schön` are different words.
 * Words of one letter or digit are dropped (`a`, `x`, list numbering), except the characters of
 * unspaced scripts, and so are English stop words.
 */
export function words(text: string, settings: TokenizerSettings = DEFAULT_TOKENIZER): string[] {
  const normal = text.normalize('NFKC').toLowerCase().replace(POSSESSIVE, '').replace(INNER_APOSTROPHE, '');
  const out: string[] = [];
  for (const [token] of normal.matchAll(TOKEN)) {
    if (token.length < 2 && !SINGLE_UNSPACED.test(token)) continue;
    if (settings.stopWords === 'en' && ENGLISH_STOP_WORDS.has(token)) continue;
    out.push(token);
  }
  return out;
}

/**
 * The terms the features are built from: the words, then (with `ngrams: 2`) each pair of
 * neighbouring words after stop words are gone ("the pump is not working" → "pump", "not",
 * "working", "pump not", "not working"), joined by a space. A word never holds a space, so a pair can't be mistaken for one.
 */
export function terms(text: string, settings: TokenizerSettings = DEFAULT_TOKENIZER): string[] {
  const unigrams = words(text, settings);
  if (settings.ngrams === 1) return unigrams;
  const out = unigrams.slice();
  for (let i = 1; i < unigrams.length; i++) out.push(`${unigrams[i - 1]} ${unigrams[i]}`);
  return out;
}

/** The one rule for a need's text, used when training, evaluating and suggesting a type. */
export const needText = (need: { title: string; description?: string }): string =>
  need.description ? `${need.title}\n${need.description}` : need.title;
