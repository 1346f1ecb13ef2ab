import { pick } from '../../shared/http/common-responses';
import { defineOperation } from '../../shared/http/operation';
import { LatestClassifier, LatestSegments, NeedTrends, TrendsQuery } from './schemas';

/**
 * The latest result of each kind of analysis: the last run in which that kind succeeded (a run
 * that failed, or lacked data for it, leaves the previous one served). Before any, 200 with
 * `runId: null` and a `note`.
 */
const tag = 'Analysis';
const roles = ['admin', 'sales', 'analyst'] as const;
const LATEST =
  'From the last run in which it succeeded; a later run that failed, or lacked data for it, leaves it served. Before any such run: 200 with `runId: null` and a `note`.';

export const getLatestSegments = defineOperation({
  operationId: 'getLatestSegments',
  method: 'GET',
  path: '/v1/analysis/segments/latest',
  summary:
    'Customer segments: k and how it was chosen, every candidate k, each segment’s label, size and centre',
  description: `${LATEST} Each customer’s own segment is on the customer (\`analysis.segment\`).`,
  tag,
  auth: { roles },
  responses: { 200: { description: 'The latest segmentation', schema: LatestSegments }, ...pick(401, 403) },
});

export const getNeedTrends = defineOperation({
  operationId: 'getNeedTrends',
  method: 'GET',
  path: '/v1/analysis/needs/trends',
  summary: 'Weekly needs per type and per product category: change, surges, a forecast with its backtest',
  description: `${LATEST} Each series says whether its forecast beat the seasonal-naive forecast on the backtest (\`beatsSeasonalNaive\`, and \`forecastNote\` in words); one that does not is shown, not hidden.`,
  tag,
  auth: { roles },
  query: TrendsQuery,
  responses: { 200: { description: 'The latest trends', schema: NeedTrends }, ...pick(400, 401, 403) },
});

export const getLatestClassifier = defineOperation({
  operationId: 'getLatestClassifier',
  method: 'GET',
  path: '/v1/analysis/classifier/latest',
  summary: 'The need-type classifier: held-out accuracy, macro-F1, per-type precision and recall, baselines',
  description: `${LATEST} The model suggests a type for each need created without one (\`suggestedType\`).`,
  tag,
  auth: { roles },
  responses: {
    200: { description: 'The latest classifier’s quality', schema: LatestClassifier },
    ...pick(401, 403),
  },
});
