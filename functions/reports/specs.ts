import type { ReportSpec } from './answer';
import { fulfilmentCsv, needsCsv, pipelineCsv, revenueCsv } from './csv-forms';
import { fulfilmentRow, needsRow, pipelineRow, revenueRow } from './rows';

/** Each report: the aggregates it reads, its rows and its CSV form. */
export const NEEDS_SUMMARY: ReportSpec<ReturnType<typeof needsRow>> = {
  name: 'needs-summary',
  path: '/v1/analysis/needs/summary',
  family: 'needs',
  row: needsRow,
  csv: needsCsv,
};
export const REVENUE: ReportSpec<ReturnType<typeof revenueRow>> = {
  name: 'revenue',
  path: '/v1/reports/revenue',
  family: 'revenue',
  row: revenueRow,
  csv: revenueCsv,
};
export const PIPELINE: ReportSpec<ReturnType<typeof pipelineRow>> = {
  name: 'pipeline',
  path: '/v1/reports/pipeline',
  family: 'pipeline',
  row: pipelineRow,
  csv: pipelineCsv,
};
export const FULFILMENT: ReportSpec<ReturnType<typeof fulfilmentRow>> = {
  name: 'fulfilment',
  path: '/v1/reports/fulfilment',
  family: 'fulfilment',
  row: fulfilmentRow,
  csv: fulfilmentCsv,
};
