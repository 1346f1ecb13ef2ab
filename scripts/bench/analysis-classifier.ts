/**
 * `npm run bench:analysis -- classifier [--texts 10000,20000] [--repeats 3] [--seed 1]`
 *
 * The need classifier (functions/analysis/classifier/) on synthetic labelled needs
 * (test/fixtures/analysis/classifier-synthetic-needs.ts: 7 imbalanced types with overlapping
 * vocabularies, filler, borrowed phrases and 4 % wrong labels). Per size, `--repeats` times after
 * one warm-up: the whole training step as a run does it (tokenising, the held-out evaluation fit,
 * naive Bayes, and the refit on all needs that becomes the stored model) — median wall time — and
 * of the stored model's fit alone: time, L-BFGS iterations, whether it converged, terms, bytes.
 * Then the held-out figures against the baselines, and the time to suggest a type for one need.
 * 20,000 is the labelled sample a run keeps at most (functions/analysis/runs/fold-texts.ts).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { classifyText } from '../../functions/analysis/classifier/model';
import { modelToBytes } from '../../functions/analysis/classifier/model-bytes';
import { trainTextClassifier } from '../../functions/analysis/classifier/train';
import { syntheticNeeds } from '../../test/fixtures/analysis/classifier-synthetic-needs';
import { percentile } from './percentiles';

const fixed = (value: number, digits = 3) => value.toFixed(digits);

export async function benchClassifier(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: false,
    options: {
      texts: { type: 'string', default: '10000,20000' },
      repeats: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
    },
  });
  const sizes = String(values.texts).split(',').map(Number);
  const repeats = Number(values.repeats);
  const seed = Number(values.seed);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${repeats} repeats after a warm-up`,
  );
  for (const size of sizes) {
    const samples = syntheticNeeds(size, seed);
    const runs = [];
    for (let r = 0; r <= repeats; r++) {
      const started = performance.now();
      const outcome = trainTextClassifier(samples, { seed: seed + r });
      const ms = performance.now() - started;
      if (!outcome.ok) throw new Error(outcome.reason);
      if (r > 0) runs.push({ ms, outcome });
    }
    const whole = percentile(
      runs.map((run) => run.ms),
      50,
    );
    const fit = percentile(
      runs.map((run) => run.outcome.training.ms),
      50,
    );
    const { outcome } = runs[0] as (typeof runs)[number];
    const { metrics, baselines, training, model } = outcome;
    console.log(
      `${size} needs: training step ${fixed(whole / 1000, 2)} s median (evaluation fit on ${metrics.train}, ` +
        `naive Bayes, refit on ${size}); the stored model's fit ${fixed(fit / 1000, 2)} s, ` +
        `${training.iterations} L-BFGS iterations, converged ${training.converged} (${training.stop}, ` +
        `largest gradient ${training.gradientNorm.toExponential(1)}), ${model.vocabulary.length} terms, ` +
        `${modelToBytes(model).length} bytes`,
    );
    console.log(
      `  held out (${metrics.test}): logistic accuracy ${fixed(metrics.accuracy)} macro-F1 ${fixed(metrics.macroF1)}` +
        ` | naive Bayes ${fixed(baselines.naiveBayes.accuracy)} / ${fixed(baselines.naiveBayes.macroF1)}` +
        ` | majority (${baselines.majority.label}) ${fixed(baselines.majority.accuracy)} / ${fixed(baselines.majority.macroF1)}` +
        ` | ECE ${fixed(metrics.calibration?.expectedCalibrationError ?? Number.NaN)}`,
    );
    const texts = samples.slice(0, 2000).map((s) => s.text);
    for (const text of texts) classifyText(model, text);
    const started = performance.now();
    for (const text of texts) classifyText(model, text);
    console.log(
      `  suggesting a type: ${fixed(((performance.now() - started) * 1000) / texts.length, 1)} µs per need`,
    );
  }
}
