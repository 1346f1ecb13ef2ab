import fc from 'fast-check';
import type { Path } from './examples';
import type { RawRequest } from './http';
import type { ApiOperation } from './openapi';

/**
 * Bad requests, one thing broken at a time on a valid request (the baseline), as fast-check
 * arbitraries: each kind is tried on every operation it applies to. A case says which field a
 * 400 must name.
 */
export const KINDS = [
  'type-confusion',
  'oversized-string',
  'long-string',
  'deep-nesting',
  'unicode',
  'missing-required',
  'extra-field',
  'bad-body',
  'path-id',
  'query',
  'content-type',
  'huge-header',
  'if-match',
  'idempotency-key',
] as const;
export type Kind = (typeof KINDS)[number];

/** A valid request of one operation, in parts a mutation can change. */
export interface Baseline {
  /** Percent-encoded path segments by parameter name. */
  path: Record<string, string>;
  /** Raw query string, without `?`. */
  query: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Required properties and objects of `body` (examples.ts). */
  required: Path[];
  objects: Path[];
}

interface Draft {
  path: Record<string, string>;
  query: string;
  headers: Record<string, string>;
  body?: unknown;
  rawBody?: Buffer;
}

export interface Mutation {
  kind: Kind;
  detail: string;
  /** A 400 must name this field, one inside it, or an object that holds it (`body`, `query`: anywhere there). */
  field?: string;
  apply(draft: Draft): void;
}

export interface FuzzCase {
  kind: Kind;
  detail: string;
  field?: string;
  request: RawRequest;
}

export interface CaseContext {
  /** Another tenant's id for a path parameter, where there is one (`customerId` → B's customer). */
  otherTenantIds: Record<string, string>;
}

/** The arbitraries of the kinds that apply to `op`. */
export function mutationsFor(
  op: ApiOperation,
  baseline: Baseline,
  context: CaseContext,
): Partial<Record<Kind, fc.Arbitrary<Mutation>>> {
  const arbitraries: Partial<Record<Kind, fc.Arbitrary<Mutation>>> = {};
  const add = (kind: Kind, arbitrary: fc.Arbitrary<Omit<Mutation, 'kind'>> | undefined) => {
    if (arbitrary) arbitraries[kind] = arbitrary.map((m) => labelled({ kind, ...m }));
  };
  if (op.body !== undefined && baseline.body !== undefined) {
    const nodes = nodesOf(baseline.body);
    const strings = nodes.filter((n) => n.type === 'string');
    add('type-confusion', typeConfusion(nodes));
    add('oversized-string', strings.length ? oversized(strings) : undefined);
    add('long-string', strings.length ? longString(strings) : undefined);
    add('deep-nesting', deepNesting(nodes, baseline.objects));
    add('unicode', strings.length ? unicode(strings) : undefined);
    add('missing-required', baseline.required.length ? missingRequired(baseline.required) : undefined);
    add('extra-field', extraField(baseline));
    add('bad-body', badBody());
    add('content-type', contentType());
  }
  if (op.pathParams.length) add('path-id', pathId(op, context));
  add('query', query(op));
  add('huge-header', hugeHeader(op));
  if (op.ifMatch) add('if-match', ifMatch());
  add('idempotency-key', idempotencyKey(op));
  return arbitraries;
}

export function render(op: ApiOperation, baseline: Baseline, mutation: Mutation): FuzzCase {
  const draft: Draft = {
    path: { ...baseline.path },
    query: baseline.query,
    headers: { ...baseline.headers },
    ...(baseline.body === undefined ? {} : { body: structuredClone(baseline.body) }),
  };
  mutation.apply(draft);
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => draft.path[name] ?? '');
  const body =
    draft.rawBody ?? (draft.body === undefined ? undefined : Buffer.from(JSON.stringify(draft.body), 'utf8'));
  return {
    kind: mutation.kind,
    detail: mutation.detail,
    ...(mutation.field ? { field: mutation.field } : {}),
    request: {
      method: op.method,
      path: draft.query ? `${path}?${draft.query}` : path,
      headers: draft.headers,
      ...(body ? { body } : {}),
    },
  };
}

/** How fast-check prints a counterexample: the kind and what was changed, not the 100 KB value. */
function labelled(mutation: Mutation): Mutation {
  return Object.assign(mutation, { [fc.toStringMethod]: () => `${mutation.kind}: ${mutation.detail}` });
}

export const short = (value: unknown, max = 120): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : safeStringify(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
};

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// ---- JSON bodies ---------------------------------------------------------------------------

type NodeType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
interface JsonNode {
  path: Path;
  type: NodeType;
}

const fieldOf = (path: Path) => ['body', ...path].join('.');

function nodesOf(value: unknown, path: Path = []): JsonNode[] {
  if (Array.isArray(value)) {
    return [{ path, type: 'array' }, ...value.flatMap((item, i) => nodesOf(item, [...path, i]))];
  }
  if (value !== null && typeof value === 'object') {
    return [
      { path, type: 'object' },
      ...Object.entries(value).flatMap(([key, item]) => nodesOf(item, [...path, key])),
    ];
  }
  const type = value === null ? 'null' : (typeof value as NodeType);
  return [{ path, type }];
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  // defineProperty: a key such as `__proto__` becomes an own property, as JSON.parse makes it.
  Object.defineProperty(node, path.at(-1) as string | number, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return root;
}

function deleteAt(root: unknown, path: Path): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path.at(-1) as string | number];
}

/** A value of every other JSON type, and the numbers a number field should not take. */
const WRONG_TYPES: Record<NodeType, unknown[]> = {
  string: [42, 0, true, false, null, {}, [], ['x'], { value: 'x' }],
  number: ['1', '', true, null, {}, [], [1], 1.5, -1, 1e21, 2 ** 53 + 2, -0],
  boolean: ['true', 'false', 1, 0, null, {}, []],
  null: ['null', 0, false, {}, []],
  array: [{}, { 0: 'x' }, 'x', '[]', null, 1, true],
  object: [[], [{}], 'x', '{}', null, 1, true],
};

function typeConfusion(nodes: JsonNode[]) {
  return fc.constantFrom(...nodes).chain((node) =>
    fc.constantFrom(...WRONG_TYPES[node.type]).map((value) => ({
      detail: `${fieldOf(node.path)} (${node.type}) = ${short(value)}`,
      field: fieldOf(node.path),
      apply: (d: Draft) => {
        d.body = setAt(d.body, node.path, value);
      },
    })),
  );
}

/** 100 KB and more, in one-, two- and four-byte characters. */
function oversized(strings: JsonNode[]) {
  return fc
    .record({ node: fc.constantFrom(...strings), unit: fc.constantFrom('x', 'é', '😀', ' ') })
    .map(({ node, unit }) => {
      const value = unit.repeat(Math.ceil((100 * 1024) / Buffer.byteLength(unit)));
      return {
        detail: `${fieldOf(node.path)} = ${JSON.stringify(unit)} × ${value.length / unit.length} (100 KB)`,
        field: fieldOf(node.path),
        apply: (d: Draft) => {
          d.body = setAt(d.body, node.path, value);
        },
      };
    });
}

/** Past any field's limit, within the body limit: the field, not the body, is refused. */
function longString(strings: JsonNode[]) {
  return fc
    .record({ node: fc.constantFrom(...strings), length: fc.integer({ min: 257, max: 30_000 }) })
    .map(({ node, length }) => ({
      detail: `${fieldOf(node.path)} = "a" × ${length}`,
      field: fieldOf(node.path),
      apply: (d: Draft) => {
        d.body = setAt(d.body, node.path, 'a'.repeat(length));
      },
    }));
}

function nested(depth: number, shape: 'array' | 'object'): unknown {
  let value: unknown = shape === 'array' ? [] : {};
  for (let i = 0; i < depth; i++) value = shape === 'array' ? [value] : { a: value };
  return value;
}

/** 1,000 levels and more, in place of a field, under a new key of an object, or as the whole body. */
function deepNesting(nodes: JsonNode[], objects: Path[]) {
  const places = [
    ...nodes.map((n) => ({ path: n.path, added: false })),
    ...objects.map((path) => ({ path: [...path, 'deep'], added: true })),
  ];
  return fc
    .record({
      place: fc.constantFrom(...places),
      depth: fc.integer({ min: 1000, max: 4000 }),
      shape: fc.constantFrom('array' as const, 'object' as const),
    })
    .map(({ place, depth, shape }) => ({
      detail: `${fieldOf(place.path)} = ${shape}s nested ${depth} deep${place.added ? ' (a new key)' : ''}`,
      field: fieldOf(place.path),
      apply: (d: Draft) => {
        d.body = setAt(d.body, place.path, nested(depth, shape));
      },
    }));
}

/** Edges of Unicode a text field meets: lone surrogates, NUL, bidi overrides, emoji, combining marks. */
export const UNICODE_EDGES = [
  '\ud800',
  '\udfff',
  '\ud83d',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u200f',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\uffff',
  '\ufffd',
  '\u0085',
  '\u2028',
  '\u00a0',
  '\t',
  '\r\n',
  '😀',
  '👩‍👩‍👧',
  '🇬🇧',
  'e\u0301',
  '\u0301',
  'Z\u0334\u0327\u031b\u0316\u0318\u031d\u0320\u0326\u032f\u0347\u0348',
  'İ',
  'ß',
  'ﷺ',
  '𝕏',
];

function unicode(strings: JsonNode[]) {
  return fc
    .record({
      node: fc.constantFrom(...strings),
      parts: fc.array(fc.constantFrom(...UNICODE_EDGES), { minLength: 1, maxLength: 6 }),
      keep: fc.boolean(),
    })
    .map(({ node, parts, keep }) => ({
      detail: `${fieldOf(node.path)} ${keep ? '+=' : '='} ${short(parts.join(''))}`,
      field: fieldOf(node.path),
      apply: (d: Draft) => {
        const base = keep ? String(pathValue(d.body, node.path)) : '';
        d.body = setAt(d.body, node.path, base + parts.join(''));
      },
    }));
}

function pathValue(root: unknown, path: Path): unknown {
  let node = root as Record<string | number, unknown> | undefined;
  for (const key of path) node = node?.[key] as Record<string | number, unknown> | undefined;
  return node;
}

function missingRequired(required: Path[]) {
  return fc.constantFrom(...required).map((path) => ({
    detail: `without ${fieldOf(path)}`,
    field: fieldOf(path),
    apply: (d: Draft) => deleteAt(d.body, path),
  }));
}

const EXTRA_KEYS = [
  'tenantId',
  'pk',
  'id',
  'version',
  '__proto__',
  'constructor',
  '',
  ' ',
  'a.b',
  'ü',
  'x'.repeat(300),
];

function extraField(baseline: Baseline) {
  if (baseline.objects.length === 0) return undefined;
  return fc
    .record({
      path: fc.constantFrom(...baseline.objects),
      key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ minLength: 1, maxLength: 12 })),
      value: fc.constantFrom<unknown>(1, 'x', null, true, {}, []),
    })
    .filter(({ path, key }) => {
      const holder = pathValue(baseline.body, path) as Record<string, unknown>;
      return !Object.hasOwn(holder, key);
    })
    .map(({ path, key, value }) => ({
      detail: `${fieldOf([...path, key])} = ${short(value)} (not in the schema)`,
      field: fieldOf([...path, key]),
      apply: (d: Draft) => {
        setAt(d.body, [...path, key], value);
      },
    }));
}

const BAD_BODIES: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['blank', Buffer.from('  \n')],
  ['truncated JSON', Buffer.from('{"name":')],
  ['an unclosed object', Buffer.from('{')],
  ['null', Buffer.from('null')],
  ['an array', Buffer.from('[]')],
  ['a string', Buffer.from('"x"')],
  ['a number', Buffer.from('1')],
  ['true', Buffer.from('true')],
  ['NaN', Buffer.from('NaN')],
  ['single quotes', Buffer.from("{'a':1}")],
  ['trailing garbage', Buffer.from('{}garbage')],
  ['a duplicate key', Buffer.from('{"a":1,"a":2}')],
  ['a byte-order mark', Buffer.from('\ufeff{}')],
  ['NUL bytes', Buffer.from([0, 0, 0])],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['an encoded surrogate (CESU-8)', Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d])],
  ['an overlong slash', Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])],
  ['UTF-16', Buffer.from('{"a":1}', 'utf16le')],
  ['gzip magic', Buffer.from([0x1f, 0x8b, 0x08, 0x00])],
  ['a deep raw array', Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
  ['an unbalanced deep array', Buffer.from('['.repeat(20_000))],
];

function badBody() {
  return fc.constantFrom(...BAD_BODIES).map(([name, bytes]) => ({
    detail: `body is ${name}`,
    field: 'body',
    apply: (d: Draft) => {
      d.rawBody = bytes;
    },
  }));
}

// ---- path, query, headers ------------------------------------------------------------------

const pct = (bytes: Iterable<number>) =>
  [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

const PATH_JUNK = [
  '..',
  '.',
  '%2e%2e',
  '%2E',
  '..%2F..%2Fpackage.json',
  '%2F',
  '%2F%2F',
  '%00',
  '%',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%EF%BF%BF',
  '%F0%9F%98%80',
  '%E2%80%AE',
  '%20',
  '+',
  '~',
  "'",
  '%22',
  '%3Cscript%3E',
  '$%7Bjndi%7D',
  'null',
  'undefined',
  '0',
  '-1',
  '01j00000000000000000000000',
  '01J00000000000000000000000',
  '7ZZZZZZZZZZZZZZZZZZZZZZZZZ',
  '01J0000000000000000000000',
  '01J000000000000000000000000',
  '01J0000000000000000000000U',
];

function pathId(op: ApiOperation, context: CaseContext) {
  const greedy = op.operationId === 'docsAsset';
  return fc.constantFrom(...op.pathParams.map((p) => p.name)).chain((name) => {
    const other = context.otherTenantIds[name];
    const values = fc.oneof(
      fc.constantFrom(...PATH_JUNK, ...(greedy ? ['a/b', '../openapi.json', '..%2f..%2fREADME.md'] : [])),
      fc
        .integer({ min: 27, max: 8000 })
        .map((n) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.repeat(250).slice(0, n)),
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map(pct),
      ...(other ? [fc.constant(other)] : []),
    );
    return values.map((value) => ({
      detail: `path.${name} = ${short(value)}${value === other ? ' (another tenant’s)' : ''}`,
      field: `path.${name}`,
      apply: (d: Draft) => {
        d.path[name] = value;
      },
    }));
  });
}

const FORGED_CURSOR = Buffer.from(
  JSON.stringify({ l: 'CUSTOMERS', k: { collectionPk: 'T#fuzz#CUSTOMERS', collectionSk: '' } }),
).toString('base64url');
const QUERY_VALUES = [
  '',
  ' ',
  'abc',
  '0',
  '-1',
  '101',
  '1.5',
  '1e999',
  'NaN',
  'Infinity',
  '0x10',
  '１',
  'null',
  'true',
  '[]',
  '{}',
  '%',
  '\u0000',
  '\u202e',
  '😀',
  'e\u0301',
  'x'.repeat(3000),
  // Cursor-shaped: decodable JSON of a key, unsigned (the old format) and with a made-up tag.
  FORGED_CURSOR,
  `${FORGED_CURSOR}.${'A'.repeat(43)}`,
  `.${'A'.repeat(43)}`,
];
const UNKNOWN_NAMES = ['foo', 'LIMIT', 'limit[]', 'cursor[x]', '__proto__', 'constructor', 'a'.repeat(500)];
const RAW_QUERIES = [
  '%',
  '%%',
  '%ZZ=1',
  '&&&',
  '=',
  '==x',
  'a=%E0%A4%A',
  '%00=%00',
  ';',
  'limit',
  'cursor=',
  '?',
  'x[y][z]=1',
];

function query(op: ApiOperation) {
  const names = op.queryParams.map((p) => p.name);
  const enc = encodeURIComponent;
  const pairs = fc.oneof(
    ...(names.length
      ? [
          fc
            .record({ name: fc.constantFrom(...names), value: fc.constantFrom(...QUERY_VALUES) })
            .map(({ name, value }) => ({
              raw: `${enc(name)}=${encodeLoosely(value)}`,
              field: `query.${name}`,
            })),
          fc
            .constantFrom(...names)
            .map((name) => ({ raw: `${enc(name)}=1&${enc(name)}=2`, field: `query.${name}` })),
        ]
      : []),
    fc.constantFrom(...UNKNOWN_NAMES).map((name) => ({ raw: `${enc(name)}=1`, field: `query.${name}` })),
    fc.constantFrom(...RAW_QUERIES).map((raw) => ({ raw, field: 'query' })),
    fc.integer({ min: 1000, max: 12_000 }).map((n) => ({ raw: `q=${'a'.repeat(n)}`, field: 'query' })),
  );
  return pairs.map(({ raw, field }) => ({
    detail: `?${short(raw)}`,
    field,
    apply: (d: Draft) => {
      d.query = d.query ? `${d.query}&${raw}` : raw;
    },
  }));
}

/** Percent-encodes what a request line cannot carry, and leaves lone surrogates as their UTF-16 code units' bytes. */
function encodeLoosely(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff)
      out += pct([0xed, 0xa0 | ((code >> 6) & 0x1f), 0x80 | (code & 0x3f)]);
    else if (/^[A-Za-z0-9._~-]$/.test(char)) out += char;
    else out += pct(Buffer.from(char, 'utf8'));
  }
  return out;
}

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonp',
  'json',
  '',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/json;;;',
  '*/*',
  'application/',
  'application/json\t',
  'text/json',
];

function contentType() {
  return fc.oneof(
    fc.constantFrom(...CONTENT_TYPES).map((value) => ({
      detail: `content-type: ${short(value)}`,
      field: 'header.content-type',
      apply: (d: Draft) => {
        d.headers['content-type'] = value;
      },
    })),
    fc.constant({
      detail: 'no content-type',
      field: 'header.content-type',
      apply: (d: Draft) => {
        delete d.headers['content-type'];
      },
    }),
  );
}

/** Node's HTTP server takes 16 KiB of headers; API Gateway's HTTP API 10 KiB. */
function hugeHeader(op: ApiOperation) {
  return fc.oneof(
    fc.integer({ min: 4096, max: 12_000 }).map((n) => ({
      detail: `x-fuzz: "a" × ${n}`,
      apply: (d: Draft) => {
        d.headers['x-fuzz'] = 'a'.repeat(n);
      },
    })),
    fc.integer({ min: 17_000, max: 64_000 }).map((n) => ({
      detail: `x-fuzz: "a" × ${n} (past every gateway's limit)`,
      apply: (d: Draft) => {
        d.headers['x-fuzz'] = 'a'.repeat(n);
      },
    })),
    fc.integer({ min: 50, max: 150 }).map((n) => ({
      detail: `${n} headers of 60 bytes`,
      apply: (d: Draft) => {
        for (let i = 0; i < n; i++) d.headers[`x-fuzz-${i}`] = 'v'.repeat(60);
      },
    })),
    ...(op.public
      ? []
      : [
          fc.integer({ min: 2000, max: 12_000 }).map((n) => ({
            detail: `authorization: Bearer "a" × ${n}`,
            apply: (d: Draft) => {
              d.headers.authorization = `Bearer ${'a'.repeat(n)}`;
            },
          })),
        ]),
  );
}

const IF_MATCH_VALUES = [
  '"abc"',
  '*',
  'W/',
  '"1',
  '1"',
  '9'.repeat(16),
  '"-1"',
  '',
  ' ',
  '"1", "2"',
  'W/"x"',
  '\xe9',
  '"0x1"',
  '"1e3"',
  '"1.0"',
  '""',
];

function ifMatch() {
  return fc.oneof(
    fc.constantFrom(...IF_MATCH_VALUES).map((value) => ({
      detail: `if-match: ${short(value)}`,
      field: 'header.if-match',
      apply: (d: Draft) => {
        d.headers['if-match'] = value;
      },
    })),
    fc.constant({
      detail: 'no if-match',
      field: 'header.if-match',
      apply: (d: Draft) => {
        delete d.headers['if-match'];
      },
    }),
  );
}

const BAD_KEYS = [
  '',
  'short',
  'x'.repeat(256),
  'has a space',
  '\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9',
  'tab\tin-the-key',
  '1234567',
];

function idempotencyKey(op: ApiOperation) {
  // Where the operation takes no key, even a well-formed one is refused.
  const values = op.idempotent ? BAD_KEYS : ['well-formed-key-0001', ...BAD_KEYS];
  return fc.constantFrom(...values).map((value) => ({
    detail: `idempotency-key: ${short(value)}`,
    field: 'header.idempotency-key',
    apply: (d: Draft) => {
      d.headers['idempotency-key'] = value;
    },
  }));
}
