/**
 * `npm run evaluate -- <segments|classifier|recommendations> <file.csv> [options]`: the analysis
 * algorithms on anyone's own CSV data, without the API or a database (docs/analysis.md
 * "Evaluating the algorithms on your own data"). Each subcommand lives in its own module,
 * loaded only when asked for, and returns the report this prints.
 *
 * Exit status: 0 done, 1 the evaluation failed (an unreadable file, too little data), 2 usage.
 */
import { isUsageError } from './usage-error';

type Evaluate = (args: string[]) => Promise<string>;

const SUBCOMMANDS: Record<string, () => Promise<Evaluate>> = {
  segments: async () => (await import('./segments')).evaluateSegments,
  classifier: async () => (await import('./classifier')).evaluateClassifier,
  recommendations: async () => (await import('./recommendations')).evaluateRecommendations,
};

export const USAGE = `Usage: npm run evaluate -- <subcommand> <file.csv> [options]

  segments <file.csv> --features a,b,c [--k auto|N] [--seed S]
      k-means over the named numeric columns: k chosen by silhouette (or given), each candidate's
      silhouette and inertia, the segments' sizes and labels.
  classifier <file.csv> --text <col> --label <col> [--test-size 0.2] [--seed S]
      tf-idf + logistic regression on a stratified held-out split: accuracy, macro-F1, the
      per-class table, and the majority-class and naive Bayes baselines.
  recommendations <orders.csv> --customer <col> --item <col> --time <col> [--order <col>]
      [--quantity <col>] [--exclude <item,…>] [--holdout-days 30] [--k 10]
      co-occurrence recommendations against the popularity baseline: hit rate@k on the last
      --holdout-days of the data.

Exit status: 0 done, 1 the evaluation failed, 2 usage.`;

interface Output {
  write(text: string): unknown;
}

/** Runs one evaluation: the report on `stdout`, problems on `stderr`; resolves to the exit status. */
export async function main(
  argv: readonly string[],
  io: { stdout: Output; stderr: Output } = process,
): Promise<number> {
  const [subcommand, ...args] = argv;
  if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const load = subcommand === undefined ? undefined : SUBCOMMANDS[subcommand];
  if (!load) {
    io.stderr.write(
      `${subcommand === undefined ? 'Say what to evaluate.' : `Unknown subcommand '${subcommand}'.`}\n\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const evaluate = await load();
    io.stdout.write(`${await evaluate(args)}\n`);
    return 0;
  } catch (error) {
    if (isUsageError(error)) {
      io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr.write(`evaluate ${subcommand}: ${(error as Error).message}\n`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
