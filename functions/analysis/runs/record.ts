import type { AnalysisKind } from './keys';

/**
 * An analysis run as stored (entity ANALYSIS_RUN). The API's view (schemas.ts) is this without
 * the keys. Written by the create operation (QUEUED) and moved on by the run itself (execute.ts):
 * RUNNING with its phase and progress, then SUCCEEDED or FAILED with inputs and results.
 */
export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export type RunTrigger = 'api' | 'schedule';
export type RunPhase =
  | 'queued'
  | 'reading'
  | 'segments'
  | 'classifier'
  | 'trends'
  | 'recommendations'
  | 'storing'
  | 'done';

export interface RunParameters {
  seed: number;
  segments: { k: number | 'auto' };
  classifier: { testSize: number };
  trends: { horizon: number };
}

export interface RunProgress {
  recordsRead: number;
  /** From the aggregates (needs) and the collections' sizes when known; null when unknown. */
  expectedRecords: number | null;
  percent: number | null;
}

export interface KindResult {
  status: 'ok' | 'insufficient' | 'failed';
  reason?: string;
  /** A short summary of the kind's result (k and silhouette, accuracy, surging series, …). */
  summary?: Record<string, unknown>;
}

export interface AnalysisRun {
  id: string;
  tenantId: string;
  status: RunStatus;
  trigger: RunTrigger;
  requestedBy: string;
  kinds: AnalysisKind[];
  parameters: RunParameters;
  phase: RunPhase;
  progress: RunProgress;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  inputs?: {
    customers: number;
    orders: number;
    needs: number;
    labelledNeeds: number;
    /** Items read per source, and request units counted from item sizes (AWS's rules). */
    reads: Record<string, { items: number; readUnits: number }>;
    /** What was taken from the aggregates instead of read. */
    fromAggregates: string[];
  };
  results?: Partial<Record<AnalysisKind, KindResult>>;
  error?: { message: string; phase: RunPhase };
  version: number;
}
