import { compareDecimals, type Decimal, minorUnits, parseDecimal, wholeNumber } from './decimal';
import { ImportError } from './errors';
import { datePattern, instantOf, isoDate, readWallTime } from './local-time';
import type { Field, Mapping, SkipRule } from './mapping';

/**
 * A mapping bound to a file's header: each row's cells become the item's fields (or the order
 * line's), or the reasons the row is left out (a skip rule) or refused (a cell that does not read
 * as its type). Pure: cells in, values or problems out.
 */

/** Why a row is left out or refused: the report's reason and detail. */
export interface RowProblem {
  reason: string;
  detail: string;
}

/** A field the row leaves out (an empty optional cell, a value mapped to null). */
export const OMIT = Symbol('omit');
export type FieldValue = string | number | boolean | string[] | typeof OMIT;

export class MissingColumnsError extends ImportError {
  override name = 'MissingColumnsError';
}

export interface BoundMapping {
  /** The first skip rule the row meets, if any. */
  skip(cells: readonly string[]): RowProblem | undefined;
  /** The item's (orders: the order's) fields of a row. */
  fields(cells: readonly string[]): Record<string, FieldValue> | RowProblem;
  /** orders: the row's line. */
  line?(cells: readonly string[]): Record<string, FieldValue> | RowProblem;
  /** The row's key (mapping.key), as text, or a problem when it cannot be read. */
  key?(cells: readonly string[]): string | RowProblem;
  /** Each field's pick (orders' and merged items' fields). */
  picks: Record<string, Field['pick']>;
  /** Fields set only with another (`with`): checked again after picking. */
  companions: [path: string, other: string][];
  /** Fields an item must have, with the column (or template) that fills them: keyed items check after picking. */
  required: [path: string, label: string][];
}

/** Binds a mapping to a header; throws MissingColumnsError naming every column it needs and lacks. */
export function bindMapping(mapping: Mapping, header: readonly string[]): BoundMapping {
  const index = new Map<string, number>();
  const duplicated = new Set<string>();
  header.forEach((name, i) => {
    if (index.has(name)) duplicated.add(name);
    else index.set(name, i);
  });
  const needed = columnsNeeded(mapping);
  const missing = needed.filter((name) => !index.has(name));
  if (missing.length) {
    const hints = missing.map((name) => {
      const near = header.find((h) => h.toLowerCase() === name.toLowerCase());
      return near ? `${name} (the file has ${near})` : name;
    });
    throw new MissingColumnsError(
      `The file lacks the column${missing.length > 1 ? 's' : ''} the mapping needs: ${hints.join(', ')}. Its columns: ${header.join(', ') || '(none)'}.`,
    );
  }
  const ambiguous = needed.filter((name) => duplicated.has(name));
  if (ambiguous.length)
    throw new MissingColumnsError(`The file has more than one column named ${ambiguous.join(', ')}.`);
  const at = (name: string) => index.get(name) as number;
  // A date-time without a zone of its own is in the mapping's.
  const zoned = (field: Field): Field => ({ ...field, timeZone: field.timeZone ?? mapping.timeZone });

  const compileFields = (fields: Record<string, Field>) => {
    const compiled = Object.entries(fields).map(
      ([path, field]) => [path, compileField(zoned(field), at)] as const,
    );
    const companions = companionsOf(fields);
    return (cells: readonly string[]): Record<string, FieldValue> | RowProblem => {
      const values: Record<string, FieldValue> = {};
      for (const [path, read] of compiled) {
        const value = read(cells);
        if (typeof value === 'object' && !Array.isArray(value)) return value;
        values[path] = value;
      }
      return withCompanions(values, companions);
    };
  };
  const skipRules = mapping.skip.map((rule) => compileSkipRule(rule, at(rule.column)));
  // Rows that make one item together: a field empty on some of them is picked from the others,
  // and only an item that gets no value at all lacks it (checked after picking).
  const keyed = mapping.key !== undefined;
  const fields = compileFields(
    keyed
      ? Object.fromEntries(
          Object.entries(mapping.fields).map(([path, field]) => [path, { ...field, optional: true }]),
        )
      : mapping.fields,
  );
  const keyField = mapping.key === undefined ? undefined : mapping.fields[mapping.key];
  const readKey = keyField ? compileField(zoned({ ...keyField, optional: false }), at) : undefined;
  return {
    skip(cells) {
      for (const rule of skipRules) {
        const hit = rule(cells);
        if (hit) return hit;
      }
      return undefined;
    },
    fields,
    ...(mapping.lines ? { line: compileFields(mapping.lines) } : {}),
    ...(readKey
      ? {
          key(cells: readonly string[]) {
            const value = readKey(cells);
            return typeof value === 'object' && !Array.isArray(value) ? value : String(value);
          },
        }
      : {}),
    picks: Object.fromEntries(Object.entries(mapping.fields).map(([path, field]) => [path, field.pick])),
    companions: companionsOf(mapping.fields),
    required: Object.entries(mapping.fields)
      .filter(([, field]) => !field.optional && field.with === undefined)
      .map(([path, field]) => [path, field.column ?? `template '${field.template}'`]),
  };
}

const companionsOf = (fields: Record<string, Field>): [string, string][] =>
  Object.entries(fields).flatMap(([path, field]) => (field.with === undefined ? [] : [[path, field.with]]));

/** Leaves out the fields whose companion (`with`) is left out. */
export function withCompanions(
  values: Record<string, FieldValue>,
  companions: readonly [string, string][],
): Record<string, FieldValue> {
  for (const [path, other] of companions)
    if (values[other] === undefined || values[other] === OMIT) values[path] = OMIT;
  return values;
}

/** Every column the mapping reads: fields, lines, templates and skip rules. */
export function columnsNeeded(mapping: Mapping): string[] {
  const names = new Set<string>();
  for (const field of [...Object.values(mapping.fields), ...Object.values(mapping.lines ?? {})]) {
    if (field.column !== undefined) names.add(field.column);
    if (field.template !== undefined) for (const name of templateColumns(field.template)) names.add(name);
  }
  for (const rule of mapping.skip) names.add(rule.column);
  return [...names];
}

const PLACEHOLDER = /\{([^{}]+)\}/g;
const templateColumns = (template: string) => [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);

type Reader = (cells: readonly string[]) => FieldValue | RowProblem;

function compileField(field: Field, at: (name: string) => number): Reader {
  if (field.const !== undefined) {
    const value = field.const;
    return () => value;
  }
  const label = field.column ?? `template '${field.template}'`;
  const raw: (cells: readonly string[]) => string =
    field.column !== undefined
      ? (
          (i) => (cells) =>
            cells[i] ?? ''
        )(at(field.column))
      : (
          (template, columns) => (cells) =>
            template.replace(PLACEHOLDER, (_, name: string) => {
              const cell = cells[columns.get(name) as number] ?? '';
              return field.trim ? cell.trim() : cell;
            })
        )(
          field.template as string,
          new Map(templateColumns(field.template as string).map((name) => [name, at(name)])),
        );
  const convert = converter(field, label);
  return (cells) => {
    let text = raw(cells);
    if (field.trim) text = text.trim();
    if (field.case === 'upper') text = text.toUpperCase();
    else if (field.case === 'lower') text = text.toLowerCase();
    if (text === '' && field.default !== undefined) text = field.default;
    if (field.map && Object.hasOwn(field.map, text)) {
      const mapped = field.map[text];
      if (mapped === null || mapped === undefined) return OMIT;
      text = mapped;
    }
    if (text === '') {
      if (field.optional) return OMIT;
      return { reason: 'missing-value', detail: `${label} is empty` };
    }
    return convert(text);
  };
}

function converter(field: Field, label: string): (text: string) => FieldValue | RowProblem {
  const format = { decimalSeparator: field.decimalSeparator, thousandsSeparator: field.thousandsSeparator };
  const problem = (reason: string, detail: string): RowProblem => ({ reason, detail: `${label}: ${detail}` });
  switch (field.type) {
    case 'string':
      return (text) => text;
    case 'integer':
      return (text) => {
        const value = wholeNumber(text, format);
        return typeof value === 'string' ? problem('unparseable-number', value) : value;
      };
    case 'minor': {
      const scale = field.scale ?? 2;
      return (text) => {
        const value = minorUnits(text, scale, format);
        return typeof value === 'string' ? problem('unparseable-number', value) : value;
      };
    }
    case 'boolean':
      return (text) => {
        const value = BOOLEANS[text.toLowerCase()];
        return value === undefined
          ? problem('unparseable-boolean', `'${text}' is not true/false, yes/no or 1/0`)
          : value;
      };
    case 'list': {
      const separator = field.separator ?? ';';
      return (text) =>
        text
          .split(separator)
          .map((part) => (field.trim ? part.trim() : part))
          .filter((part) => part !== '');
    }
    case 'date':
    case 'datetime': {
      const pattern = datePattern(field.format as string);
      const timeZone = field.timeZone;
      return (text) => {
        const read = readWallTime(text, pattern);
        if (typeof read === 'string') return problem('unparseable-date', read);
        if (field.type === 'date') return isoDate(read.wall);
        return instantOf(read.wall, timeZone as string, read.offset);
      };
    }
  }
}

const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  y: true,
  n: false,
  '1': true,
  '0': false,
};

function compileSkipRule(
  rule: SkipRule,
  column: number,
): (cells: readonly string[]) => RowProblem | undefined {
  const fold = (text: string) => (rule.ignoreCase ? text.toLowerCase() : text);
  const list = rule.in ? new Set(rule.in.map(fold)) : undefined;
  const regex = rule.matches !== undefined ? new RegExp(rule.matches, rule.ignoreCase ? 'i' : '') : undefined;
  const bounds = (['lt', 'lte', 'gt', 'gte'] as const)
    .filter((op) => rule[op] !== undefined)
    .map((op) => ({ op, bound: parseDecimal(String(rule[op])) as Decimal }));
  const SYMBOL = { lt: '<', lte: '≤', gt: '>', gte: '≥' };
  return (cells) => {
    const cell = (cells[column] ?? '').trim();
    const value = fold(cell);
    const said: string[] = [];
    if (rule.empty !== undefined) {
      if ((cell === '') !== rule.empty) return undefined;
      said.push(rule.empty ? 'is empty' : 'is not empty');
    }
    if (rule.equals !== undefined) {
      if (value !== fold(rule.equals)) return undefined;
      said.push(`is '${rule.equals}'`);
    }
    if (list) {
      if (!list.has(value)) return undefined;
      said.push('is in the list');
    }
    if (rule.startsWith !== undefined) {
      if (!value.startsWith(fold(rule.startsWith))) return undefined;
      said.push(`starts with '${rule.startsWith}'`);
    }
    if (regex) {
      if (!regex.test(cell)) return undefined;
      said.push(`matches /${rule.matches}/`);
    }
    if (bounds.length) {
      const number = parseDecimal(cell);
      if (typeof number === 'string') return undefined;
      for (const { op, bound } of bounds) {
        const order = compareDecimals(number, bound);
        const holds =
          op === 'lt' ? order < 0 : op === 'lte' ? order <= 0 : op === 'gt' ? order > 0 : order >= 0;
        if (!holds) return undefined;
        said.push(`${SYMBOL[op]} ${rule[op]}`);
      }
    }
    const shown = cell === '' ? rule.column : `${rule.column} '${cell}'`;
    return { reason: rule.reason, detail: `${shown} ${said.join(' and ')}` };
  };
}

/** A field path's value set in a nested object: `address.country`. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const names = path.split('.');
  let node = target;
  for (const name of names.slice(0, -1)) {
    if (typeof node[name] !== 'object' || node[name] === null) node[name] = {};
    node = node[name] as Record<string, unknown>;
  }
  node[names.at(-1) as string] = value;
}

/** The API item of one row's (or one merged item's) field values: omitted fields left out. */
export function itemOf(values: Record<string, FieldValue>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) if (value !== OMIT) setPath(item, path, value);
  return item;
}
