import { relative, sep } from 'node:path';
import type { Reporter } from 'vitest/node';

/**
 * After a coverage run, one row per source folder (functions/orders, local/lambda, …): the table
 * a reader of CI output wants, where the file-by-file one is a few hundred lines long. The
 * coverage includes the code the twin runs in its Lambda environments (worker threads).
 */
interface Totals {
  total: number;
  covered: number;
}
interface Summary {
  statements: Totals;
  branches: Totals;
  functions: Totals;
  lines: Totals;
}
interface CoverageMapLike {
  files(): string[];
  fileCoverageFor(file: string): { toSummary(): { data: Summary } };
}

const METRICS = ['statements', 'branches', 'functions', 'lines'] as const;

export default class CoverageByFolder implements Reporter {
  onCoverage(coverage: unknown): void {
    const map = coverage as CoverageMapLike;
    const folders = new Map<string, Summary>();
    for (const file of map.files()) {
      const folder = relative(process.cwd(), file).split(sep).slice(0, -1).join('/');
      const summary = map.fileCoverageFor(file).toSummary().data;
      const sum = folders.get(folder) ?? blank();
      for (const metric of METRICS) {
        sum[metric].total += summary[metric].total;
        sum[metric].covered += summary[metric].covered;
      }
      folders.set(folder, sum);
    }
    const all = blank();
    for (const sum of folders.values())
      for (const metric of METRICS) {
        all[metric].total += sum[metric].total;
        all[metric].covered += sum[metric].covered;
      }
    const pct = ({ total, covered }: Totals) =>
      (total ? ((100 * covered) / total).toFixed(1) : '100.0').padStart(8);
    const width = Math.max(...[...folders.keys()].map((f) => f.length), 10);
    const lines = [
      '',
      'Coverage by folder (%):',
      `  ${'folder'.padEnd(width)}  statements  branches  functions     lines`,
      ...[...folders]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([folder, s]) =>
            `  ${folder.padEnd(width)}    ${pct(s.statements)}  ${pct(s.branches)}   ${pct(s.functions)}  ${pct(s.lines)}`,
        ),
      `  ${'all'.padEnd(width)}    ${pct(all.statements)}  ${pct(all.branches)}   ${pct(all.functions)}  ${pct(all.lines)}`,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

function blank(): Summary {
  return {
    statements: { total: 0, covered: 0 },
    branches: { total: 0, covered: 0 },
    functions: { total: 0, covered: 0 },
    lines: { total: 0, covered: 0 },
  };
}
