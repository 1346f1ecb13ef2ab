import type { JsonSchema } from './openapi';

/**
 * A valid value for a JSON Schema, so that a fuzz case can break one thing at a time and the
 * 400 it gets must name that thing. Values the schema cannot describe (an existing customer's
 * id, a currency code, which zod checks with a refinement) come from hints by property name.
 */
export type Path = (string | number)[];

/** A hint that leaves an optional property out. */
export const OMIT = Symbol('omit');
export type Hints = Record<string, unknown>;

/**
 * Hints any valid request body needs, whatever the data: values zod checks with refinements that
 * JSON Schema cannot carry, and optional fields whose example would be refused on its own account.
 */
export const COMMON_HINTS: Hints = {
  currency: 'EUR',
  phone: '+44 20 7946 0958',
  country: 'GB',
  needIds: OMIT,
  approverUserId: OMIT,
  // A delivery in the future is refused.
  deliveredAt: OMIT,
  // So is a need received in the future.
  receivedAt: '2025-01-31T00:00:00.000Z',
  // Long enough that no escalation fires while a suite runs.
  slaSeconds: 86_400,
  // An IANA zone: the schema checks it against the runtime's time zone database.
  timeZone: 'Europe/Berlin',
  // A 5-field cron that fires: the schema checks it with the scheduler's own parser.
  cron: '0 2 * * *',
};

export interface Example {
  value: unknown;
  /** Where a required property sits (its object exists in `value`). */
  required: Path[];
  /** Where an object sits (root included). */
  objects: Path[];
}

/** Strings tried, in order, against a pattern and length limits. */
const CANDIDATES = [
  'Fuzz',
  'x',
  'FUZZ-1',
  'rule-1',
  'GB',
  'EUR',
  '+44 20 7946 0958',
  'fuzz@example.com',
  '1',
  '100',
  '100.00',
  'SO-2026-000001',
  '2030-01-31',
  '2030-01-31T00:00:00.000Z',
  '01J00000000000000000000000',
  // A webhook delivery id: `<endpointId>.<webhook-id>`.
  '01J00000000000000000000000.01J00000000000000000000000.000001',
];

export function exampleOf(schema: JsonSchema, hints: Hints): Example {
  const required: Path[] = [];
  const objects: Path[] = [];
  const walk = (s: JsonSchema, path: Path): unknown => {
    const name = path.at(-1);
    if (typeof name === 'string' && Object.hasOwn(hints, name)) return hints[name];
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    const branches = s.anyOf ?? s.oneOf ?? s.allOf;
    if (branches) return walk(branches.find((b) => b.type !== 'null') ?? (branches[0] as JsonSchema), path);
    const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
    switch (type) {
      case 'object': {
        objects.push(path);
        const out: Record<string, unknown> = {};
        for (const [key, property] of Object.entries(s.properties ?? {})) {
          const value = walk(property, [...path, key]);
          if (value === OMIT) continue;
          out[key] = value;
          if (s.required?.includes(key)) required.push([...path, key]);
        }
        return out;
      }
      case 'array': {
        const count = Math.min(Math.max(1, s.minItems ?? 1), s.maxItems ?? 1);
        const items: unknown[] = [];
        for (let i = 0; i < count; i++) items.push(walk(s.items ?? {}, [...path, i]));
        return items;
      }
      case 'integer':
      case 'number':
        return numberFor(s);
      case 'boolean':
        return true;
      case 'null':
        return null;
      case 'string':
        return stringFor(s, path);
      default:
        return 'x';
    }
  };
  return { value: walk(schema, []), required, objects };
}

function stringFor(s: JsonSchema, path: Path): string {
  const fits = (text: string) =>
    text.length >= (s.minLength ?? 0) &&
    text.length <= (s.maxLength ?? Number.POSITIVE_INFINITY) &&
    (s.pattern === undefined || new RegExp(s.pattern, 'u').test(text));
  if (s.format === 'email' && fits('fuzz@example.com')) return 'fuzz@example.com';
  if (s.format === 'date-time') return '2030-01-31T00:00:00.000Z';
  if (s.format === 'date') return '2030-01-31';
  const found = CANDIDATES.find(fits);
  if (found !== undefined) return found;
  if (s.pattern === undefined) return 'x'.repeat(Math.max(1, s.minLength ?? 1));
  throw new Error(
    `No example string for ${path.join('.')} (pattern ${s.pattern}): add a hint or a candidate`,
  );
}

function numberFor(s: JsonSchema): number {
  let value = 1;
  if (s.minimum !== undefined && value < s.minimum) value = s.minimum;
  if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)
    value = Math.floor(s.exclusiveMinimum) + 1;
  if (s.maximum !== undefined && value > s.maximum) value = s.maximum;
  if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum)
    value = Math.ceil(s.exclusiveMaximum) - 1;
  return value;
}
