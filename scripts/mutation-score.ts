import { existsSync, readFileSync } from 'node:fs';
import { AREA_FLOOR, CRITICAL_AREAS, OVERALL_FLOOR } from './mutation-areas.ts';

/**
 * The mutation score per critical area (scripts/mutation-areas.ts), per top-level folder of
 * functions/ and local/, and overall, from a Stryker JSON report (mutation-testing-report-schema).
 * Exits 1 when an area the report measured is below AREA_FLOOR or the whole is below OVERALL_FLOOR.
 *
 *   npm run test:mutation:score [-- <report.json>...] [-- --survivors] [-- --without=<text>,<text>]
 *
 * Several reports (runs over different files) are scored as one; a file in more than one counts
 * as measured by the last.
 *
 * --without scores the report as if the test files whose path contains one of the texts were not
 * there: a mutant only they killed counts as survived. On a report run with --disableBail (every
 * killing test recorded) that is the score before those tests were written.
 *
 * Score = detected / (detected + undetected): killed and timed-out mutants are detected; survivors
 * and mutants no test reached are not. A survivor (or unreached mutant) listed in
 * test/mutation/equivalent-mutants.json (same file, mutator, original text and replacement) counts
 * as equivalent and leaves the denominator.
 */

interface Position {
  line: number;
  column: number;
}
export interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: Position; end: Position };
  status: string;
  killedBy?: string[];
}
export interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
  testFiles?: Record<string, { tests: { id: string }[] }>;
}
export interface Equivalent {
  file: string;
  mutator: string;
  original: string;
  replacement: string;
  /** The mutant's start line, when the same snippet occurs more than once in the file. */
  line?: number;
  reason: string;
}

export const EQUIVALENTS_FILE = 'test/mutation/equivalent-mutants.json';
const COUNTS = ['killed', 'timeout', 'survived', 'noCoverage', 'equivalent', 'other'] as const;
export type Count = (typeof COUNTS)[number];
type Tally = Record<Count, number> & { files: Set<string> };

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The source text a mutant replaces (locations are 1-based lines, 1-based columns). */
export function originalText(source: string, { start, end }: Mutant['location']): string {
  const lines = source.split('\n');
  if (start.line === end.line) return lines[start.line - 1]?.slice(start.column - 1, end.column - 1) ?? '';
  const middle = lines.slice(start.line, end.line - 1);
  return [
    lines[start.line - 1]?.slice(start.column - 1),
    ...middle,
    lines[end.line - 1]?.slice(0, end.column - 1),
  ].join('\n');
}

/** What a mutant counts as in the score: equivalent when it matches an entry of the list. */
export function classify(
  file: string,
  source: string,
  mutant: Mutant,
  equivalents: Equivalent[],
  used: Set<Equivalent>,
): Count {
  switch (mutant.status) {
    case 'Killed':
      return 'killed';
    case 'Timeout':
      return 'timeout';
    case 'NoCoverage':
    case 'Survived': {
      const original = squash(originalText(source, mutant.location));
      const match = equivalents.find(
        (e) =>
          e.file === file &&
          e.mutator === mutant.mutatorName &&
          (e.line === undefined || e.line === mutant.location.start.line) &&
          squash(e.original) === original &&
          squash(e.replacement) === squash(mutant.replacement ?? ''),
      );
      if (!match) return mutant.status === 'Survived' ? 'survived' : 'noCoverage';
      used.add(match);
      return 'equivalent';
    }
    default:
      // Ignored, CompileError, RuntimeError, Pending: not part of the score.
      return 'other';
  }
}

const emptyTally = (): Tally => ({
  killed: 0,
  timeout: 0,
  survived: 0,
  noCoverage: 0,
  equivalent: 0,
  other: 0,
  files: new Set(),
});

export function score(t: Tally): number | undefined {
  const detected = t.killed + t.timeout;
  const valid = detected + t.survived + t.noCoverage;
  return valid === 0 ? undefined : (100 * detected) / valid;
}

/** functions/orders/x.ts → functions/orders; functions/manifest.ts → functions. */
export function folderOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'functions' && parts[0] !== 'local') return undefined;
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/** Marks Killed mutants that only tests of the `without` files killed as Survived. */
function withoutTests(report: Report, without: string[]): void {
  const dropped = new Set<string>();
  for (const [file, { tests }] of Object.entries(report.testFiles ?? {}))
    if (without.some((w) => file.includes(w))) for (const t of tests) dropped.add(t.id);
  for (const { mutants } of Object.values(report.files))
    for (const m of mutants)
      if (m.status === 'Killed' && m.killedBy?.length && m.killedBy.every((id) => dropped.has(id)))
        m.status = 'Survived';
}

function main(argv: string[]): number {
  const showSurvivors = argv.includes('--survivors');
  const without = argv
    .find((a) => a.startsWith('--without='))
    ?.slice('--without='.length)
    .split(',')
    .filter(Boolean);
  const run = process.env.MUTATION_RUN;
  const given = argv.filter((a) => !a.startsWith('--'));
  const reportPaths =
    given.length > 0
      ? given
      : [run ? `reports/mutation/${run}/mutation.json` : 'reports/mutation/mutation.json'];
  const missing = reportPaths.find((path) => !existsSync(path));
  if (missing !== undefined) {
    console.error(`No mutation report at ${missing}: run npm run test:mutation first.`);
    return 2;
  }
  const report: Report = { files: {} };
  for (const path of reportPaths) {
    const one = JSON.parse(readFileSync(path, 'utf8')) as Report;
    if (without?.length) withoutTests(one, without);
    Object.assign(report.files, one.files);
  }
  const equivalents = existsSync(EQUIVALENTS_FILE)
    ? (JSON.parse(readFileSync(EQUIVALENTS_FILE, 'utf8')) as Equivalent[])
    : [];
  const used = new Set<Equivalent>();
  const areas = new Map(Object.keys(CRITICAL_AREAS).map((a) => [a, emptyTally()]));
  const folders = new Map<string, Tally>();
  const overall = emptyTally();
  const survivors: string[] = [];

  for (const [rawFile, { source, mutants }] of Object.entries(report.files)) {
    const file = rawFile.replaceAll('\\', '/');
    const folder = folderOf(file);
    if (folder && !folders.has(folder)) folders.set(folder, emptyTally());
    const tallies = [
      overall,
      ...(folder ? [folders.get(folder) as Tally] : []),
      ...Object.entries(CRITICAL_AREAS)
        .filter(([, files]) => files.includes(file))
        .map(([area]) => areas.get(area) as Tally),
    ];
    for (const mutant of mutants) {
      const kind = classify(file, source, mutant, equivalents, used);
      for (const t of tallies) {
        t[kind]++;
        t.files.add(file);
      }
      if (kind === 'survived' || kind === 'noCoverage') {
        const { line, column } = mutant.location.start;
        const original = squash(originalText(source, mutant.location)).slice(0, 80);
        survivors.push(
          `${file}:${line}:${column} ${mutant.mutatorName} ${kind}: ${original} → ${squash(mutant.replacement ?? '').slice(0, 80)}`,
        );
      }
    }
  }

  const header = ['', 'files', 'killed', 'timeout', 'survived', 'no-cov', 'equiv', 'other', 'score'];
  const rows: string[][] = [header];
  const failures: string[] = [];
  const row = (name: string, t: Tally, floor?: number) => {
    const s = score(t);
    const text = s === undefined ? 'n/a' : `${s.toFixed(2)} %`;
    rows.push([name, String(t.files.size), ...COUNTS.map((c) => String(t[c])), text]);
    if (floor !== undefined && s !== undefined && s < floor) failures.push(`${name} ${text} < ${floor} %`);
  };
  for (const [area, t] of areas) row(`area ${area}`, t, AREA_FLOOR);
  for (const [folder, t] of [...folders].sort(([a], [b]) => a.localeCompare(b))) row(folder, t);
  row('overall', overall, OVERALL_FLOOR);

  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  for (const r of rows)
    console.log(
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '),
    );

  const stale = equivalents.filter(
    (e) => report.files[e.file] && !used.has(e) && Object.keys(report.files).includes(e.file),
  );
  for (const e of stale)
    console.log(
      `note: equivalent no longer matches a survivor: ${e.file} ${e.mutator} ${e.original} → ${e.replacement}`,
    );
  if (showSurvivors) for (const s of survivors) console.log(s);
  else if (survivors.length > 0)
    console.log(`${survivors.length} undetected mutants (--survivors lists them)`);
  for (const f of failures) console.error(`below the floor: ${f}`);
  return failures.length > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
