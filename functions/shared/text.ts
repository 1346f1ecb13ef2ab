import * as z from 'zod';

/**
 * Text that people type — names, titles, comments, reasons — checked for the characters that
 * have no business in it: C0/C1 control characters (NUL truncates strings in other systems, BEL
 * and ESC drive terminals, CR forges log lines), unpaired UTF-16 surrogates (not Unicode at all:
 * no UTF-8 encoder, DynamoDB's included, can store them faithfully) and the bidirectional
 * override and isolate characters U+202A–U+202E and U+2066–U+2069, which make a name display as
 * something other than what it is ("Trojan Source"). Each builder trims, so leading and trailing
 * whitespace never counts against the limits.
 */

type Kind = 'single-line' | 'free';

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with `value` as text of `kind`, or undefined when nothing is. Positions are UTF-16 indexes. */
export function textProblem(value: string, kind: Kind): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a well-formed pair: one character outside the Basic Multilingual Plane
        continue;
      }
      return `must be well-formed Unicode: unpaired surrogate ${hex(code)} at index ${i}`;
    }
    if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) {
      if (kind === 'single-line') return `must be a single line: line break ${hex(code)} at index ${i}`;
      if (code === 0x0a) continue;
      if (code === 0x0d && value.charCodeAt(i + 1) === 0x0a) {
        i++;
        continue;
      }
      return `line breaks must be \\n or \\r\\n: ${hex(code)} at index ${i}`;
    }
    if (code === 0x09 && kind === 'free') continue;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
      return `must not contain control characters: ${hex(code)} at index ${i}`;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069))
      return `must not contain bidirectional override or isolate characters: ${hex(code)} at index ${i}`;
  }
  return undefined;
}

function text(kind: Kind, min: number, max: number, tooShort?: string) {
  const short = tooShort ?? (min === 1 ? 'must not be empty' : undefined);
  return z
    .string()
    .trim()
    .min(min, short)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = textProblem(value, kind);
      // Fatal: checks chained after this one (a phone's format) would only repeat the complaint.
      if (problem) ctx.addIssue({ code: 'custom', message: problem, continue: false });
    });
}

/** One line of text: names, titles, tags, references. Tabs and line breaks are refused too. */
export const singleLineText = (min: number, max: number, messages: { tooShort?: string } = {}) =>
  text('single-line', min, max, messages.tooShort);

/** Free text: comments, descriptions, reasons. As `singleLineText`, but \n, \r\n and tabs are allowed. */
export const freeText = (min: number, max: number, messages: { tooShort?: string } = {}) =>
  text('free', min, max, messages.tooShort);
