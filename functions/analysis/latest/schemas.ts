import * as z from 'zod';
import { Ulid } from '../../shared/ids';

/**
 * The latest results of the analysis. Each answers 200 even before any run produced one (so a
 * dashboard needs no special case): `runId` null, nothing else but a `note` saying so — as the
 * customer recommendations do.
 */
const Latest = {
  runId: Ulid.nullable().describe('The run that produced this result; null while no run has'),
  finishedAt: z.iso.datetime().optional().describe('When that run finished'),
  note: z.string().optional().describe('Why there is no result yet'),
};

const Candidate = z.strictObject({
  k: z.number().int(),
  silhouette: z.number().describe('Mean silhouette, −1…1: higher is better separated'),
  inertia: z.number().describe('Sum of squared distances to the centroids, in standardised units'),
  sizes: z.array(z.number().int()),
  iterations: z.number().int(),
});

const Segment = z.strictObject({
  id: z.number().int(),
  label: z.string().describe('From its most distinctive features, e.g. "recent, frequent, high value"'),
  size: z.number().int().describe('Customers in it'),
  centroid: z.record(z.string(), z.number()).describe('Its centre, per feature, in original units'),
  distinctive: z
    .array(z.strictObject({ feature: z.string(), z: z.number() }))
    .describe('Its features furthest from the average customer, in standard deviations'),
});

export const LatestSegments = z.strictObject({
  ...Latest,
  k: z.number().int().optional(),
  chosenBy: z.enum(['silhouette', 'given']).optional(),
  candidates: z.array(Candidate).optional().describe('Every k tried, with its silhouette, inertia and sizes'),
  silhouetteSample: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe('Customers sampled for the silhouette; null: all'),
  features: z.array(z.string()).optional(),
  segments: z.array(Segment).optional(),
  customers: z.number().int().optional().describe('Customers segmented'),
  mainCurrency: z
    .string()
    .optional()
    .describe(
      'The currency of revenue and value features (the tenant’s most used); other currencies are left out',
    ),
});

const Backtest = z.object({
  mase: z.number().nullable(),
  seasonalNaiveMae: z.number(),
  modelMae: z.number(),
  folds: z.number().int(),
  seasonPeriod: z.number().int(),
  beatsSeasonalNaive: z.boolean(),
});

const Trend = z.object({
  key: z.string().describe('`type:<need type>` or `category:<product category>`'),
  weeks: z.array(z.strictObject({ week: z.string(), count: z.number(), surge: z.boolean() })),
  lastWeek: z.number(),
  previousWeek: z.number(),
  change: z.strictObject({ last4: z.number(), previous4: z.number(), percent: z.number().nullable() }),
  surge: z.object({
    flag: z.boolean(),
    week: z.string().optional(),
    score: z.number().optional(),
    rule: z.string(),
  }),
  forecast: z.union([
    z.object({
      method: z.string(),
      next: z.array(
        z.strictObject({ week: z.string(), count: z.number(), low: z.number(), high: z.number() }),
      ),
      backtest: Backtest,
    }),
    z.strictObject({ insufficient: z.string() }),
  ]),
  beatsSeasonalNaive: z
    .boolean()
    .nullable()
    .describe('Whether the forecast beat the seasonal-naive forecast on its backtest; null: no forecast'),
  forecastNote: z.string().describe('The same in a sentence: how far to trust the forecast'),
});

export const NeedTrends = z.strictObject({
  ...Latest,
  timeZone: z.string().optional().describe('The zone the weeks were cut in (the tenant’s)'),
  series: z.array(Trend),
  omitted: z
    .number()
    .int()
    .optional()
    .describe('Series of the run left out for size (the smallest; the largest are kept)'),
});

export const TrendsQuery = z.strictObject({
  series: z.enum(['type', 'category']).optional().describe('Only need types, or only product categories'),
  key: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Only the series of this need type or category (e.g. `complaint`)'),
});
export type TrendsQuery = z.infer<typeof TrendsQuery>;

const Metrics = z.object({
  accuracy: z.number(),
  macroF1: z.number(),
  perClass: z.array(
    z.object({
      label: z.string(),
      precision: z.number(),
      recall: z.number(),
      f1: z.number(),
      support: z.number().int(),
    }),
  ),
  train: z.number().int(),
  test: z.number().int(),
});

export const LatestClassifier = z.strictObject({
  ...Latest,
  labels: z.array(z.string()).optional().describe('The need types it suggests'),
  metrics: Metrics.optional().describe('On the held-out needs'),
  baselines: z
    .object({
      majority: z.object({ label: z.string(), accuracy: z.number(), macroF1: z.number() }),
      naiveBayes: z.object({ accuracy: z.number(), macroF1: z.number() }),
    })
    .optional()
    .describe('What the model must beat, on the same held-out needs'),
  training: z
    .object({ iterations: z.number().int(), converged: z.boolean(), ms: z.number() })
    .optional()
    .describe('Of the stored model, fitted on all labelled needs'),
  counts: z.record(z.string(), z.number().int()).optional().describe('Labelled needs per type'),
  excluded: z.array(z.string()).optional().describe('Types left out for having too few labelled needs'),
});
