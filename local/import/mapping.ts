import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { isTimeZone } from '../../functions/shared/civil-time';
import { parseDecimal } from './decimal';
import { ImportError } from './errors';
import { datePattern } from './local-time';

/**
 * A mapping file says how the rows of one CSV become the items of one batch API: which column
 * fills which field, with which small typed transform, which rows are left out and why, and
 * which rows make one item. It is JSON, checked against this schema when it is loaded
 * (`npm run -s import -- --mapping-schema` prints it as JSON Schema); the README documents it
 * with the Online Retail mappings (data/mappings/) as examples.
 */

export const KINDS = ['customers', 'products', 'needs', 'orders'] as const;
export type Kind = (typeof KINDS)[number];

export const PICKS = ['same', 'first', 'last', 'min', 'max', 'mostCommon'] as const;
export type Pick = (typeof PICKS)[number];

const FieldPath = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'a field of the API item: name or name.name');

const Field = z
  .strictObject({
    column: z.string().min(1).optional().describe('The CSV column whose value fills the field'),
    template: z
      .string()
      .min(1)
      .optional()
      .describe('Text with {Column} placeholders, e.g. "Customer {CustomerID}"'),
    const: z
      .union([z.string(), z.number(), z.boolean()])
      .optional()
      .describe('A constant: the same value on every item (a currency, a category)'),
    trim: z.boolean().default(true).describe('Trim spaces around the value (default true)'),
    case: z.enum(['upper', 'lower']).optional().describe('Upper- or lower-case the value (SKUs)'),
    map: z
      .record(z.string(), z.union([z.string(), z.null()]))
      .optional()
      .describe('Replace values (after trim and case): {"EIRE": "IE"}; null leaves the field out'),
    default: z.string().optional().describe('The value when the cell is empty'),
    optional: z
      .boolean()
      .default(false)
      .describe('An empty cell leaves the field out; otherwise it refuses the row (missing-value)'),
    type: z
      .enum(['string', 'integer', 'minor', 'boolean', 'date', 'datetime', 'list'])
      .default('string')
      .describe(
        'integer: a whole number; minor: a decimal amount in major units read exactly into minor units ("2.55" → 255 with scale 2); boolean: true/false, yes/no, 1/0; date: YYYY-MM-DD; datetime: an ISO 8601 instant (UTC); list: text split by `separator`',
      ),
    scale: z.number().int().min(0).max(6).optional().describe('minor: digits after the point (default 2)'),
    decimalSeparator: z.enum(['.', ',']).default('.'),
    thousandsSeparator: z.enum([',', '.', ' ', "'", '']).default(''),
    format: z
      .string()
      .optional()
      .describe('date/datetime: a pattern of YYYY MM M DD D HH H mm ss SSS and literals, or ISO'),
    timeZone: z
      .string()
      .optional()
      .describe('datetime: the IANA zone of the wall-clock times (default: the mapping’s)'),
    separator: z.string().min(1).optional().describe('list: what separates the values (default ;)'),
    with: FieldPath.optional().describe(
      'Set only when that field is: a constant currency beside an optional amount ("estimatedValue.currency" with "estimatedValue.amountMinor")',
    ),
    pick: z
      .enum(PICKS)
      .optional()
      .describe(
        'When several rows make one item: which value wins. same (default): they must agree; first; last; min; max; mostCommon (ties: the one seen last). Empty cells are not candidates',
      ),
  })
  .superRefine((field, ctx) => {
    const sources = ['column', 'template', 'const'].filter(
      (key) => field[key as keyof typeof field] !== undefined,
    );
    if (sources.length !== 1)
      ctx.addIssue({ code: 'custom', message: 'a field takes exactly one of column, template or const' });
    if ((field.type === 'date' || field.type === 'datetime') && field.const === undefined) {
      if (!field.format)
        ctx.addIssue({ code: 'custom', path: ['format'], message: `a ${field.type} needs a format` });
      else
        try {
          datePattern(field.format);
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: ['format'], message: (error as Error).message });
        }
    }
    if (field.timeZone !== undefined && !isTimeZone(field.timeZone))
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: `unknown time zone '${field.timeZone}'` });
    if (field.decimalSeparator === field.thousandsSeparator)
      ctx.addIssue({ code: 'custom', message: 'decimalSeparator and thousandsSeparator must differ' });
  });
export type Field = z.output<typeof Field>;

const Threshold = z
  .union([z.number(), z.string()])
  .refine((value) => typeof parseDecimal(String(value)) !== 'string', 'must be a number');

const SkipRule = z
  .strictObject({
    reason: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'a slug: lower-case letters, digits and dashes')
      .describe('What the report says for the rows this rule leaves out, e.g. credit-note'),
    column: z.string().min(1),
    ignoreCase: z.boolean().default(false).describe('Compare text without regard to case'),
    empty: z.boolean().optional().describe('true: the cell is empty; false: it is not'),
    equals: z.string().optional(),
    in: z.array(z.string()).min(1).optional(),
    startsWith: z.string().min(1).optional(),
    matches: z
      .string()
      .optional()
      .refine((source) => {
        if (source === undefined) return true;
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      }, 'must be a regular expression')
      .describe('A regular expression the (trimmed) cell matches'),
    lt: Threshold.optional(),
    lte: Threshold.optional(),
    gt: Threshold.optional(),
    gte: Threshold.optional(),
  })
  .refine(
    (rule) =>
      ['empty', 'equals', 'in', 'startsWith', 'matches', 'lt', 'lte', 'gt', 'gte'].some((c) => c in rule),
    'a skip rule needs a condition: empty, equals, in, startsWith, matches, lt, lte, gt or gte',
  );
export type SkipRule = z.output<typeof SkipRule>;

export const Mapping = z
  .strictObject({
    $schema: z.string().optional(),
    kind: z.enum(KINDS).describe('What the rows become: the command’s <kind> must match'),
    description: z.string().optional(),
    delimiter: z
      .string()
      .regex(/^[\t\x20-\x21\x23-\x7e]$/, 'one ASCII character, not a quote or a line break')
      .default(',')
      .describe('The CSV field separator (default ,): ; or a tab for many European exports'),
    timeZone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/London')
      .describe('The zone of wall-clock date-times, unless a field says otherwise'),
    skip: z
      .array(SkipRule)
      .default([])
      .describe('Rows left out, each with its reason in the report; the first rule that matches names it'),
    key: FieldPath.optional().describe(
      'A field whose equal values make one item. orders: the order reference, its rows consecutive (one order, its lines); other kinds: rows anywhere in the file, merged field by field by `pick`',
    ),
    fields: z.record(FieldPath, Field).describe('The item’s fields (orders: the order’s)'),
    lines: z.record(FieldPath, Field).optional().describe('orders: each row’s line'),
  })
  .superRefine((mapping, ctx) => {
    if (mapping.kind === 'orders') {
      if (!mapping.key)
        ctx.addIssue({ code: 'custom', path: ['key'], message: 'orders need a key: the order reference' });
      if (!mapping.lines)
        ctx.addIssue({
          code: 'custom',
          path: ['lines'],
          message: 'orders need lines: the fields of each row’s line',
        });
    } else if (mapping.lines)
      ctx.addIssue({ code: 'custom', path: ['lines'], message: 'only orders have lines' });
    if (mapping.key !== undefined) {
      const field = mapping.fields[mapping.key];
      if (!field)
        ctx.addIssue({ code: 'custom', path: ['key'], message: `the key '${mapping.key}' is not a field` });
      else if (field.const !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['key'],
          message: 'the key must come from the file, not a constant',
        });
    }
    for (const [group, fields] of [
      ['fields', mapping.fields],
      ['lines', mapping.lines ?? {}],
    ] as const)
      for (const [path, field] of Object.entries(fields))
        if (field.with !== undefined && (field.with === path || !fields[field.with]))
          ctx.addIssue({
            code: 'custom',
            path: [group, path, 'with'],
            message: `'${field.with}' is not another field of ${group}`,
          });
    const paths = Object.keys(mapping.fields);
    for (const path of paths)
      if (paths.some((other) => other.startsWith(`${path}.`)))
        ctx.addIssue({
          code: 'custom',
          path: ['fields', path],
          message: `'${path}' is also an object of other fields`,
        });
  });
export type Mapping = z.output<typeof Mapping>;

export class MappingError extends ImportError {
  override name = 'MappingError';
}

/** Reads and checks a mapping file; a MappingError says what is wrong and where. */
export function loadMapping(file: string): { mapping: Mapping; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MappingError(`Cannot read the mapping ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MappingError(`The mapping ${file} is not JSON: ${(error as Error).message}`);
  }
  return { mapping: parseMapping(json, file), text };
}

export function parseMapping(json: unknown, name = 'mapping'): Mapping {
  const parsed = Mapping.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    // A bad field name: say what a name must be, not zod's "Invalid key in record".
    const inner = 'issues' in issue && Array.isArray(issue.issues) ? issue.issues[0]?.message : undefined;
    return `  ${issue.path.join('.') || '(top)'}: ${inner ?? issue.message}`;
  });
  throw new MappingError(`The ${name} is not a valid mapping:\n${issues.join('\n')}`);
}

/** The mapping's schema as JSON Schema, for editors and for the README. */
export function mappingJsonSchema(): unknown {
  return z.toJSONSchema(Mapping, { io: 'input', unrepresentable: 'any' });
}
