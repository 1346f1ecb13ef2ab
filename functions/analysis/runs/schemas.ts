import * as z from 'zod';
import { Ulid } from '../../shared/ids';
import { ListQuery, pageOf } from '../../shared/schemas';
import { ANALYSIS_KINDS } from './keys';

/** The API's view of an analysis run (functions/analysis/runs/record.ts is the stored shape). */
export const AnalysisKindSchema = z.enum(ANALYSIS_KINDS);

export const MAX_SEED = 2 ** 31 - 1;
export const SEGMENT_K = { min: 2, max: 8 } as const;
export const TEST_SIZE = { min: 0.1, max: 0.5, default: 0.2 } as const;
export const HORIZON = { min: 1, max: 12, default: 4 } as const;

export const RunCreate = z.strictObject({
  kinds: z
    .array(AnalysisKindSchema)
    .min(1)
    .transform((kinds) => ANALYSIS_KINDS.filter((kind) => kinds.includes(kind)))
    .optional()
    .describe('What to compute (default: all); given twice or out of order, each is run once'),
  seed: z
    .number()
    .int('must be a whole number')
    .min(0)
    .max(MAX_SEED)
    .optional()
    .describe(
      'Seeds every random choice of the run (k-means++ seeding, held-out split); a run with the same seed over the same data gives the same results. Default: a random one, stored with the run',
    ),
  segments: z
    .strictObject({
      k: z
        .union([z.literal('auto'), z.number().int().min(SEGMENT_K.min).max(SEGMENT_K.max)])
        .default('auto')
        .describe(`Number of segments, ${SEGMENT_K.min}–${SEGMENT_K.max}, or \`auto\`: chosen by silhouette`),
    })
    .optional(),
  classifier: z
    .strictObject({
      testSize: z
        .number()
        .min(TEST_SIZE.min)
        .max(TEST_SIZE.max)
        .default(TEST_SIZE.default)
        .describe('Share of the labelled needs held out (stratified by type) to measure the model'),
    })
    .optional(),
  trends: z
    .strictObject({
      horizon: z
        .number()
        .int()
        .min(HORIZON.min)
        .max(HORIZON.max)
        .default(HORIZON.default)
        .describe('Weeks to forecast'),
    })
    .optional(),
});
export type RunCreate = z.output<typeof RunCreate>;

const Progress = z.strictObject({
  recordsRead: z.number().int(),
  expectedRecords: z.number().int().nullable().describe('null while unknown'),
  percent: z.number().nullable().describe('0–100; null while the expected records are unknown'),
});

const KindResult = z.strictObject({
  status: z.enum(['ok', 'insufficient', 'failed']),
  reason: z.string().optional().describe('Why a kind was insufficient or failed'),
  summary: z.record(z.string(), z.unknown()).optional(),
});

export const AnalysisRun = z.strictObject({
  id: Ulid,
  status: z
    .enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'])
    .describe('QUEUED → RUNNING → SUCCEEDED | FAILED; a FAILED run leaves the previous results served'),
  trigger: z.enum(['api', 'schedule']),
  requestedBy: z.string().describe('The user who asked for it, or `schedule`'),
  kinds: z.array(AnalysisKindSchema),
  parameters: z.strictObject({
    seed: z.number().int(),
    segments: z.strictObject({ k: z.union([z.literal('auto'), z.number().int()]) }),
    classifier: z.strictObject({ testSize: z.number() }),
    trends: z.strictObject({ horizon: z.number().int() }),
  }),
  phase: z.enum([
    'queued',
    'reading',
    'segments',
    'classifier',
    'trends',
    'recommendations',
    'storing',
    'done',
  ]),
  progress: Progress,
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  durationMs: z.number().int().optional().describe('From start to finish, once finished'),
  inputs: z
    .strictObject({
      customers: z.number().int(),
      orders: z.number().int(),
      needs: z.number().int(),
      labelledNeeds: z.number().int(),
      reads: z.record(z.string(), z.strictObject({ items: z.number().int(), readUnits: z.number() })),
      fromAggregates: z.array(z.string()),
    })
    .optional()
    .describe('What the run read: records per source, and their read units'),
  results: z.partialRecord(AnalysisKindSchema, KindResult).optional(),
  error: z
    .strictObject({ message: z.string(), phase: z.string() })
    .optional()
    .describe('Why a FAILED run failed, and in which phase'),
  version: z.number().int(),
});
export type AnalysisRunView = z.infer<typeof AnalysisRun>;

export const AnalysisRunPage = pageOf(AnalysisRun);
export const RunIdParams = z.strictObject({ runId: Ulid });
export const RunListQuery = ListQuery;
