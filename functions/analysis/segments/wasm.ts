/**
 * Just enough of a WebAssembly assembler for the k-means kernels (simd-kernels.ts): a module
 * that imports one memory and exports functions of i32 parameters, written as lists of
 * instructions. JavaScript engines do not vectorise, and V8 bounds-checks every typed-array
 * access; WebAssembly's 128-bit SIMD (two f64 lanes, in every Node since 16.4) runs the distance
 * loops about three times faster than the best plain JavaScript loop measured. Assembling the
 * module here keeps it readable source, with no compiler in the build and no binary in the
 * repository. Encoding: https://webassembly.github.io/spec/core/binary/.
 */

export type Code = number[];

const uleb = (value: number): Code => {
  const out: Code = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest ? byte | 0x80 : byte);
  } while (rest);
  return out;
};

const sleb = (value: number): Code => {
  const out: Code = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && !(byte & 0x40)) || (rest === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
};

const vector = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (text: string): Code => vector([...text].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];
const simd = (opcode: number, ...immediates: number[]): Code => [0xfd, ...uleb(opcode), ...immediates];
const memarg = (offset: number, align: number): Code => [align, ...uleb(offset)];

export const i32 = 0x7f;
export const v128 = 0x7b;

/** The instructions the kernels use; `get(n)` reads local n (parameters first). */
export const op = {
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number): Code => [0x21, ...uleb(local)],
  const: (value: number): Code => [0x41, ...sleb(value)],
  f64Const: (value: number): Code => [0x44, ...new Uint8Array(Float64Array.of(value).buffer)],
  add: [0x6a],
  mul: [0x6c],
  shl: [0x74],
  ltU: [0x49],
  eqz: [0x45],
  load: (offset = 0): Code => [0x28, ...memarg(offset, 2)],
  f64Load: (offset = 0): Code => [0x2b, ...memarg(offset, 3)],
  f64Store: (offset = 0): Code => [0x39, ...memarg(offset, 3)],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Lt: [0x63],
  f64Eq: [0x61],
  and: [0x71],
  or: [0x72],
  f64FromI32: [0xb8],
  /** c ? a : b for (a, b, c) on the stack: a conditional move, no branch. */
  select: [0x1b],
  v128Load: (offset = 0): Code => simd(0x00, ...memarg(offset, 3)),
  v128Store: (offset = 0): Code => simd(0x0b, ...memarg(offset, 3)),
  v128Zero: simd(0x0c, ...new Array(16).fill(0)),
  /** Two f64 lanes. */
  v128Const: (a: number, b: number): Code => simd(0x0c, ...new Uint8Array(Float64Array.of(a, b).buffer)),
  /** Lanes 0 of a and b, or lanes 1 of a and b: (a, b) → (a[lane], b[lane]). */
  pickLane: (lane: 0 | 1): Code =>
    simd(0x0d, ...Array.from({ length: 16 }, (_, i) => (i < 8 ? 8 * lane + i : 16 + 8 * lane + i - 8))),
  splat: simd(0x14),
  replaceLane1: simd(0x22, 1),
  extractLane: (lane: 0 | 1): Code => simd(0x21, lane),
  add2: simd(0xf0),
  sub2: simd(0xf1),
  mul2: simd(0xf2),
  min2: simd(0xf6), // pmin: b < a ? b : a, lane by lane — one instruction, no branch
  lt2: simd(0x49), // all ones in the lanes where a < b
  eq2: simd(0x47),
  and128: simd(0x4e),
  or128: simd(0x50),
  /** (a, a) → (a[1], a[0]) */
  swapLanes: simd(0x0d, ...[8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]),
  /** (a, b, mask) → a where the mask is set, b elsewhere: a conditional move without a branch. */
  bitselect: simd(0x52),
};

/** `for (local = 0; local < limit; local += step) body`, limit and step as code. */
export function loop(local: number, limit: Code, step: Code, body: Code): Code {
  return [
    ...op.const(0),
    ...op.set(local),
    ...[0x02, 0x40], // block
    ...[0x03, 0x40], // loop
    ...op.get(local),
    ...limit,
    ...op.ltU,
    ...op.eqz,
    ...[0x0d, 1], // br_if out of the block
    ...body,
    ...op.get(local),
    ...step,
    ...op.add,
    ...op.set(local),
    ...[0x0c, 0], // br to the loop
    0x0b,
    0x0b,
  ];
}

export interface WasmFunction {
  name: string;
  params: number; // all i32
  locals: number[]; // their types, after the parameters
  body: Code;
}

/** A module importing `env.memory` and exporting `functions`. */
export function assemble(functions: WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(new Array(f.params).fill([i32])), 0x00]);
  const bodies = functions.map((f) => {
    const locals = vector(f.locals.map((type) => [1, type]));
    const body = [...locals, ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(bodies)),
  ]);
}
