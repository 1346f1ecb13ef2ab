import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eachRecord, streamHandler } from '../../shared/stream/handler';
import { executeRun } from './execute';
import type { AnalysisRun } from './record';

/** The run a stream image holds, without its keys and index attributes. */
export function runOfImage(image: Record<string, unknown>): AnalysisRun {
  const { pk: _pk, sk: _sk, entity: _entity, collectionPk: _cp, collectionSk: _cs, ...run } = image;
  return run as unknown as AnalysisRun;
}

/**
 * StartAnalysisRuns — each queued run (the manifest's filter: an INSERT of an ANALYSIS_RUN that is
 * QUEUED), one per invocation, is run here to its end: everything after QUEUED (RUNNING, progress,
 * SUCCEEDED or FAILED, a run found RUNNING again on a retry) is execute.ts's. Created by the API and
 * by the schedule alike, so both run the same way.
 */
export const handler = streamHandler(
  'startAnalysisRuns',
  eachRecord(async (record) => {
    const image = unmarshall((record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>);
    await executeRun(runOfImage(image));
  }),
);
