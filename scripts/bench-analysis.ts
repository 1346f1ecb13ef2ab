/**
 * `npm run bench:analysis [-- kmeans|classifier|run ...]`: the analysis jobs' figures.
 * - kmeans: k-means on 100,000 × 16 standardised synthetic features (seeded, 8 clusters), k = 8,
 *   n_init 1 and 4, max_iter 300, tol 1e-4: time, iterations, inertia, peak memory; beside
 *   scikit-learn's KMeans on the same data when Debian's python3-sklearn is installed (ratio).
 * - classifier: training time of the need classifier on 10,000 synthetic needs.
 * - run: a whole analysis run's time, read units and peak memory at 10,000 and 1,000,000 needs.
 * Figures are medians of one run on this machine; docs/analysis.md quotes them with the load.
 */

import { benchClassifier } from './bench/analysis-classifier';
import { benchKMeans } from './bench/analysis-kmeans';
import { benchRun } from './bench/analysis-run';

const sections: Record<string, (args: string[]) => Promise<void>> = {
  kmeans: benchKMeans,
  classifier: benchClassifier,
  run: benchRun,
};
const asked = process.argv.slice(2).filter((a) => a in sections);
const rest = process.argv.slice(2).filter((a) => !(a in sections));
for (const name of asked.length ? asked : Object.keys(sections)) {
  console.log(`\n## ${name}`);
  await (sections[name] as (args: string[]) => Promise<void>)(rest);
}
