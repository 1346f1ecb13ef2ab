import { randomInt } from 'node:crypto';
import { ANALYSIS_KINDS, type AnalysisKind } from './keys';
import type { RunParameters } from './record';
import { HORIZON, MAX_SEED, type RunCreate, TEST_SIZE } from './schemas';

/**
 * What a run will compute and with which parameters: the request's, each default filled in, so
 * that the stored run says everything needed to repeat it. The seed is drawn here when not given
 * (and stored), so even a run nobody seeded can be repeated.
 */
export function runParameters(
  body: RunCreate,
  drawSeed: () => number = randomSeed,
): { kinds: AnalysisKind[]; parameters: RunParameters } {
  return {
    kinds: body.kinds ?? [...ANALYSIS_KINDS],
    parameters: {
      seed: body.seed ?? drawSeed(),
      segments: { k: body.segments?.k ?? 'auto' },
      classifier: { testSize: body.classifier?.testSize ?? TEST_SIZE.default },
      trends: { horizon: body.trends?.horizon ?? HORIZON.default },
    },
  };
}

/** A 31-bit seed (0 … 2³¹−1), from the operating system: the default of a run, never part of analysis code. */
export const randomSeed = () => randomInt(0, MAX_SEED + 1);
