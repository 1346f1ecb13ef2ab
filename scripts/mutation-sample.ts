import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OVERALL_FLOOR } from './mutation-areas.ts';
import { classify, EQUIVALENTS_FILE, type Equivalent, type Report } from './mutation-score.ts';
import { mutableFiles, runStryker } from './mutation-targets.ts';

/**
 * An estimate of the overall mutation score without the hours a run over everything takes: mutates
 * only a random sample of source lines (every line of the `mutate` globs of stryker.config.mjs is
 * equally likely, so every mutant is), then prints the share of their mutants the tests detect
 * with a 95 % bootstrap interval (lines resampled, as mutants on one line are not independent).
 *
 *   npm run test:mutation:sample [-- --lines=400 --seed=1]   # run Stryker on the sample, then score it
 *   npm run test:mutation:sample -- --lines=400 --seed=1 --score-only   # score that run's report again
 *   npm run test:mutation:sample -- --lines=400 --seed=1 --redraw       # draw the lines again
 *
 * The lines drawn are kept beside the report (`sample.txt`) and mutated again by the next run of
 * the same seed and size: a file added anywhere would shift a fresh draw onto other lines, so a
 * run after a change (which reuses Stryker's incremental results) must score the same lines to say
 * what the change did. A sampled line whose file is gone, or now shorter, is left out and named.
 *
 * A mutant spanning several lines (a whole block emptied) is left out by Stryker's line ranges:
 * the estimate is of the mutants that fit on one line, which are most of them.
 * Exits 1 when the whole interval lies below OVERALL_FLOOR.
 */

const arg = (name: string, fallback: number) => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const LINES = arg('lines', 400);
const SEED = arg('seed', 1);
const RESAMPLES = 2_000;

/** mulberry32: a small seeded generator, so a sample can be drawn again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Lines that can hold code: not blank, not a comment, not an import. */
const isCode = (line: string) => {
  const text = line.trim();
  return text !== '' && !/^(\/\/|\/\*|\*|import\b)/.test(text);
};

/** `LINES` distinct code lines, drawn uniformly from every file (a partial Fisher–Yates shuffle). */
function sampleLines(files: string[], next: () => number): { file: string; line: number }[] {
  const all = files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((text, i) => (isCode(text) ? [{ file, line: i + 1 }] : [])),
  );
  const n = Math.min(LINES, all.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(next() * (all.length - i));
    [all[i], all[j]] = [all[j] as (typeof all)[number], all[i] as (typeof all)[number]];
  }
  console.log(`Sampled ${n} of ${all.length} code lines in ${files.length} files (seed ${SEED}).`);
  return all.slice(0, n).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Per sampled line: its mutants the tests detected, and those that count. */
function tallyLines(report: Report, equivalents: Equivalent[]): { detected: number; valid: number }[] {
  const lines = new Map<string, { detected: number; valid: number }>();
  const used = new Set<Equivalent>();
  for (const [rawFile, { source, mutants }] of Object.entries(report.files)) {
    const file = rawFile.replaceAll('\\', '/');
    for (const mutant of mutants) {
      const kind = classify(file, source, mutant, equivalents, used);
      if (kind === 'equivalent' || kind === 'other') continue;
      const key = `${file}:${mutant.location.start.line}`;
      const tally = lines.get(key) ?? { detected: 0, valid: 0 };
      tally.valid++;
      if (kind === 'killed' || kind === 'timeout') tally.detected++;
      lines.set(key, tally);
    }
  }
  return [...lines.values()];
}

const ratio = (lines: { detected: number; valid: number }[]) => {
  const valid = lines.reduce((s, l) => s + l.valid, 0);
  return valid === 0 ? Number.NaN : (100 * lines.reduce((s, l) => s + l.detected, 0)) / valid;
};

/** The 2.5th and 97.5th percentiles of the score over lines drawn again with replacement. */
function interval(lines: { detected: number; valid: number }[], next: () => number): [number, number] {
  const scores: number[] = [];
  for (let r = 0; r < RESAMPLES; r++)
    scores.push(
      ratio(Array.from(lines, () => lines[Math.floor(next() * lines.length)] as (typeof lines)[number])),
    );
  scores.sort((a, b) => a - b);
  return [scores[Math.floor(0.025 * RESAMPLES)] as number, scores[Math.floor(0.975 * RESAMPLES)] as number];
}

const run = process.env.MUTATION_RUN ?? `sample-${LINES}-${SEED}`;
const reportPath = `reports/mutation/${run}/mutation.json`;
const samplePath = `reports/mutation/${run}/sample.txt`;

/** The sample's lines as `file:line`: those drawn before for this run, else a new draw (kept). */
function theSample(): { file: string; line: number }[] {
  if (existsSync(samplePath) && !process.argv.includes('--redraw')) {
    const kept = readFileSync(samplePath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((entry) => {
        const at = entry.lastIndexOf(':');
        return { file: entry.slice(0, at), line: Number(entry.slice(at + 1)) };
      });
    const present = kept.filter(
      ({ file, line }) => existsSync(file) && readFileSync(file, 'utf8').split('\n').length >= line,
    );
    for (const gone of kept.filter((entry) => !present.includes(entry)))
      console.log(`Left out: ${gone.file}:${gone.line} (no such line any more).`);
    console.log(`Mutating the ${present.length} lines drawn before (${samplePath}; --redraw draws again).`);
    return present;
  }
  const drawn = sampleLines(mutableFiles(), random(SEED));
  mkdirSync(dirname(samplePath), { recursive: true });
  writeFileSync(samplePath, `${drawn.map(({ file, line }) => `${file}:${line}`).join('\n')}\n`);
  return drawn;
}

if (!process.argv.includes('--score-only')) {
  const sample = theSample();
  const mutate = sample.map(({ file, line }) => `${file}:${line}-${line}`).join(',');
  const status = await runStryker(mutate, run);
  if (status !== 0) process.exit(status);
}
if (!existsSync(reportPath)) {
  console.error(`No report at ${reportPath}: run without --score-only first.`);
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
const equivalents = existsSync(EQUIVALENTS_FILE)
  ? (JSON.parse(readFileSync(EQUIVALENTS_FILE, 'utf8')) as Equivalent[])
  : [];
const lines = tallyLines(report, equivalents);
const mutants = lines.reduce((s, l) => s + l.valid, 0);
const estimate = ratio(lines);
const [low, high] = interval(lines, random(SEED + 1));
console.log(
  `Overall mutation score, estimated from ${mutants} mutants on ${lines.length} sampled lines: ` +
    `${estimate.toFixed(1)} % (95 % interval ${low.toFixed(1)}–${high.toFixed(1)} %; floor ${OVERALL_FLOOR} %).`,
);
console.log(`Survivors: npm run test:mutation:score -- ${reportPath} --survivors`);
if (high < OVERALL_FLOOR) {
  console.error(
    `below the floor: even the interval's top, ${high.toFixed(1)} %, is under ${OVERALL_FLOOR} %`,
  );
  process.exit(1);
}
