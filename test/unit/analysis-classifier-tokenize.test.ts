import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { needText, terms, words } from '../../functions/analysis/classifier/tokenize';

describe('the need tokenizer', () => {
  it('lower-cases, drops English stop words and one-letter words, keeps negations', () => {
    assert.deepEqual(words('The PUMP is NOT working, a new one is needed (x 2)'), [
      'pump',
      'not',
      'working',
      'new',
      'one',
      'needed',
    ]);
  });

  it('keeps accented letters as they are written, in any alphabet', () => {
    assert.deepEqual(words('Pièce détachée für die Größe schön — Ремонт насоса, αντλία'), [
      'pièce',
      'détachée',
      'für',
      'die',
      'größe',
      'schön',
      'ремонт',
      'насоса',
      'αντλία',
    ]);
  });

  it('normalises with NFKC: full-width letters, ligatures and decomposed accents become the plain forms', () => {
    assert.deepEqual(words('ＰＵＭＰ ﬁlter'), ['pump', 'filter']);
    // "café" with a combining acute accent (e + U+0301) and precomposed (U+00E9) are one word.
    assert.deepEqual(words('cafe\u0301'), words('caf\u00e9'));
    assert.deepEqual(words('cafe\u0301'), ['café']);
  });

  it('joins contractions and drops possessives instead of splitting them into fragments', () => {
    assert.deepEqual(words("The customer's machine doesn't start; O’Brien's team can't fix it"), [
      'customer',
      'machine',
      'doesnt',
      'start',
      'obrien',
      'team',
      'cant',
      'fix',
    ]);
  });

  describe("drops a possessive 's exactly: after a letter or digit, before anything but a letter or digit", () => {
    // Stop words kept, so that only the possessive rule decides what is left.
    const all = (text: string) => words(text, { version: 1, ngrams: 1, stopWords: 'none' });

    it('with each kind of apostrophe: straight, typographic and the modifier letter', () => {
      assert.deepEqual(all("John's"), ['john']);
      assert.deepEqual(all('John\u2019s'), ['john']);
      assert.deepEqual(all('John\u02bcs'), ['john']);
      assert.deepEqual(all("John's pump"), ['john', 'pump']);
    });

    it('after a digit', () => {
      assert.deepEqual(all("2024's"), ['2024']);
      assert.deepEqual(all("the 2024's valves"), ['the', '2024', 'valves']);
    });

    it('not without a letter or digit before it', () => {
      assert.deepEqual(all("'s"), []);
      assert.deepEqual(all("'st"), ['st']);
      assert.deepEqual(all("pump 's valve"), ['pump', 'valve']);
      assert.deepEqual(all("pump 'st valve"), ['pump', 'st', 'valve']);
    });

    it('not when a letter or digit follows: the apostrophe is inside one word', () => {
      assert.deepEqual(all("it'sx"), ['itsx']);
      assert.deepEqual(all("John'st"), ['johnst']);
      assert.deepEqual(all("John's2"), ['johns2']);
      // Only an apostrophe followed by s: the s of a plain word stays.
      assert.deepEqual(all('pumps'), ['pumps']);
    });

    it('at the end of the text and before punctuation', () => {
      assert.deepEqual(all("the valve of John's"), ['the', 'valve', 'of', 'john']);
      assert.deepEqual(all("John's, Mary's. Tom's! (Ann's)"), ['john', 'mary', 'tom', 'ann']);
    });
  });

  it('joins words at an apostrophe between digits too, not only between letters', () => {
    const all = (text: string) => words(text, { version: 1, ngrams: 1, stopWords: 'none' });
    // A digit on either side counts as much as a letter: neither half is dropped as a one-character word.
    assert.deepEqual(all("12'34"), ['1234']);
    assert.deepEqual(all("2'nd valve"), ['2nd', 'valve']);
    assert.deepEqual(all("rev'2 valve"), ['rev2', 'valve']);
  });

  it('splits on punctuation, symbols and underscores, and keeps numbers of two digits or more', () => {
    assert.deepEqual(words('Order #4711: valve-seal/kit, 3x DN50_flange; 7 units'), [
      'order',
      '4711',
      'valve',
      'seal',
      'kit',
      '3x',
      'dn50',
      'flange',
      'units',
    ]);
  });

  it('cuts scripts written without spaces into characters, whose pairs then act as words', () => {
    assert.deepEqual(words('ポンプ故障'), ['ポ', 'ン', 'プ', '故', '障']);
    assert.deepEqual(terms('ポンプ'), ['ポ', 'ン', 'プ', 'ポ ン', 'ン プ']);
    // A Latin word next to them stays whole.
    assert.deepEqual(words('abc故障'), ['abc', '故', '障']);
  });

  it('adds the pairs of neighbouring words after stop words are gone', () => {
    assert.deepEqual(terms('The pump is not working'), ['pump', 'not', 'working', 'pump not', 'not working']);
    assert.deepEqual(terms('The pump is not working', { version: 1, ngrams: 1, stopWords: 'en' }), [
      'pump',
      'not',
      'working',
    ]);
    assert.deepEqual(terms('the pump', { version: 1, ngrams: 1, stopWords: 'none' }), ['the', 'pump']);
  });

  it('gives nothing for text without words', () => {
    assert.deepEqual(terms(''), []);
    assert.deepEqual(terms(' -- !! 1 . '), []);
    assert.deepEqual(terms('the and of'), []);
  });

  it("takes a need's text as title and description, the one rule everywhere", () => {
    assert.equal(
      needText({ title: 'Pump broken', description: 'Leaks since Monday' }),
      'Pump broken\nLeaks since Monday',
    );
    assert.equal(needText({ title: 'Pump broken' }), 'Pump broken');
    assert.deepEqual(terms(needText({ title: 'Pump', description: 'broken' })), [
      'pump',
      'broken',
      'pump broken',
    ]);
  });
});
