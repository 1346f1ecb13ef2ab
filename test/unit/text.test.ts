import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type * as z from 'zod';
import { quoteInput } from '../../functions/shared/http/quote-input';
import { freeText, singleLineText } from '../../functions/shared/text';

const messagesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

const line = singleLineText(1, 50);
const free = freeText(0, 50);

describe('singleLineText', () => {
  it('accepts names as people write them, trimmed', () => {
    for (const name of [
      'Ada Lovelace',
      'Zoë Ørsted-Łukasiewicz',
      '株式会社 山田',
      'Café ☕ 😀',
      "O'Brien & Sons",
    ])
      assert.equal(line.parse(name), name);
    assert.equal(line.parse('  Ada \t'), 'Ada');
  });

  it('a text problem is the only complaint: checks chained after it (a phone format) do not run', () => {
    const checked = singleLineText(1, 50).superRefine((_value, ctx) => {
      ctx.addIssue({ code: 'custom', message: 'not a phone number' });
    });
    assert.deepEqual(messagesOf(checked, '555\u0007'), [
      'must not contain control characters: U+0007 at index 3',
    ]);
    assert.deepEqual(messagesOf(checked, '555'), ['not a phone number']);
  });

  it('refuses C0 and C1 control characters, NUL, BEL and DEL, and says which and where', () => {
    for (const [value, code] of [
      ['A\u0000da', 'U+0000'],
      ['A\u0007da', 'U+0007'],
      ['A\u001bda', 'U+001B'],
      ['A\u007fda', 'U+007F'],
      ['A\u0085da', 'U+0085'],
      ['A\u009fda', 'U+009F'],
      ['A\tda', 'U+0009'],
    ] as const) {
      assert.deepEqual(messagesOf(line, value), [`must not contain control characters: ${code} at index 1`]);
    }
  });

  it('refuses line breaks of every kind', () => {
    for (const [value, code] of [
      ['A\nda', 'U+000A'],
      ['A\r\nda', 'U+000D'],
      ['A\u2028da', 'U+2028'],
      ['A\u2029da', 'U+2029'],
    ] as const) {
      assert.deepEqual(messagesOf(line, value), [`must be a single line: line break ${code} at index 1`]);
    }
  });

  it('refuses unpaired surrogates and keeps well-formed pairs', () => {
    assert.deepEqual(messagesOf(line, 'A\ud800'), [
      'must be well-formed Unicode: unpaired surrogate U+D800 at index 1',
    ]);
    assert.deepEqual(messagesOf(line, 'A\udc00B'), [
      'must be well-formed Unicode: unpaired surrogate U+DC00 at index 1',
    ]);
    assert.deepEqual(messagesOf(line, '\ude00\ud83d'), [
      'must be well-formed Unicode: unpaired surrogate U+DE00 at index 0',
    ]);
    assert.equal(line.parse('\ud83d\ude00'), '😀');
  });

  it('refuses bidirectional overrides and isolates', () => {
    for (let code = 0x202a; code <= 0x202e; code++)
      assert.match(
        messagesOf(line, `x${String.fromCharCode(code)}y`)[0] ?? '',
        /bidirectional override or isolate/,
      );
    for (let code = 0x2066; code <= 0x2069; code++)
      assert.match(
        messagesOf(line, `x${String.fromCharCode(code)}y`)[0] ?? '',
        /bidirectional override or isolate/,
      );
    // Marks that only hint direction (LRM, RLM) are ordinary text.
    assert.equal(line.parse('a\u200eb\u200fc'), 'a\u200eb\u200fc');
  });

  it('keeps its limits, counted after trimming', () => {
    assert.deepEqual(messagesOf(line, '   '), ['must not be empty']);
    assert.equal(messagesOf(line, 'x'.repeat(51)).length, 1);
    assert.equal(line.parse(` ${'x'.repeat(50)} `), 'x'.repeat(50));
    assert.deepEqual(messagesOf(singleLineText(1, 5, { tooShort: 'say why' }), ''), ['say why']);
  });
});

describe('freeText', () => {
  it('accepts \\n, \\r\\n and tabs', () => {
    assert.equal(free.parse('first\nsecond\r\nthird\tcolumn'), 'first\nsecond\r\nthird\tcolumn');
    assert.equal(free.parse(''), '');
  });

  it('refuses a lone CR and the Unicode line separators', () => {
    assert.deepEqual(messagesOf(free, 'a\rb'), ['line breaks must be \\n or \\r\\n: U+000D at index 1']);
    assert.deepEqual(messagesOf(free, 'a\u2028b'), ['line breaks must be \\n or \\r\\n: U+2028 at index 1']);
  });

  it('refuses what single-line text refuses besides line breaks and tabs', () => {
    assert.match(messagesOf(free, 'a\u0000b')[0] ?? '', /control characters: U\+0000/);
    assert.match(messagesOf(free, 'a\u0007b')[0] ?? '', /control characters: U\+0007/);
    assert.match(messagesOf(free, 'a\ud800b')[0] ?? '', /unpaired surrogate/);
    assert.match(messagesOf(free, 'a\u202eb')[0] ?? '', /bidirectional/);
  });
});

describe('quoteInput', () => {
  it('keeps short input and cuts long input at 200 characters with an ellipsis', () => {
    assert.equal(quoteInput('abc'), 'abc');
    assert.equal(quoteInput('x'.repeat(200)), 'x'.repeat(200));
    assert.equal(quoteInput('x'.repeat(10_000)), `${'x'.repeat(200)}…`);
    assert.equal(quoteInput('x'.repeat(30), 20), `${'x'.repeat(20)}…`);
  });

  it('never cuts a surrogate pair in two', () => {
    const quoted = quoteInput(`${'x'.repeat(199)}😀😀`);
    assert.equal(quoted, `${'x'.repeat(199)}…`);
    assert.doesNotMatch(quoted, /\p{Cs}/u);
    // The character at the cut alone decides: a pair just before it steps back, one after it does not.
    assert.equal(quoteInput(`${'x'.repeat(199)}😀yy`), `${'x'.repeat(199)}…`);
    assert.equal(quoteInput(`${'x'.repeat(200)}y😀`), `${'x'.repeat(200)}…`);
  });
});
