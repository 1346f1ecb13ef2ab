import * as z from 'zod';
import { logger } from '../../shared/logger';
import { type DeliverySettings, deliverySettings } from './config';
import { drainLane, type LaneTally } from './drain';
import { DUE_SHARDS } from './keys';
import { type DueEntry, dueEntries } from './queue';

/**
 * The sweeper (every minute): takes the lanes due now from the due shards and drains them
 * concurrently, each lane one delivery after another. Within its window it keeps looking (every
 * `pollSeconds`) while something falls due before the window ends, so the 5-second retry is kept
 * without a 5-second schedule; idle, a run costs one Query per shard. A slow endpoint holds at
 * most PER_ENDPOINT lanes at a time, so it never takes the places of other endpoints' lanes.
 */
export const SweepPayload = z.object({
  windowSeconds: z.number().min(0).max(100).default(50),
  pollSeconds: z.number().min(0.05).max(30).default(2),
});
export type SweepPayload = z.output<typeof SweepPayload>;

const PER_ENDPOINT = 16;
const MAX_LANES = 128;
const PAGE = 100;

export interface SweepSummary {
  polls: number;
  lanes: number;
  attempts: number;
  succeeded: number;
  retried: number;
  failed: number;
}

const laneKeyOf = (due: DueEntry) => `${due.tenantId}#${due.endpointId}#${due.laneId}`;
const endpointKeyOf = (due: DueEntry) => `${due.tenantId}#${due.endpointId}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function dueNow(until: Date, limit: number): Promise<DueEntry[]> {
  const shards = Array.from({ length: DUE_SHARDS }, (_, shard) => dueEntries(shard, until, limit));
  return (await Promise.all(shards))
    .flat()
    .sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
}

export async function sweep(
  payload: SweepPayload,
  started: Date,
  settings: DeliverySettings = deliverySettings(),
): Promise<SweepSummary> {
  const end = started.getTime() + payload.windowSeconds * 1000;
  const stopped = () => Date.now() >= end;
  const summary: SweepSummary = { polls: 0, lanes: 0, attempts: 0, succeeded: 0, retried: 0, failed: 0 };
  const inFlight = new Map<string, Promise<void>>();
  const perEndpoint = new Map<string, number>();
  const count = (key: string, by: number) => perEndpoint.set(key, (perEndpoint.get(key) ?? 0) + by);
  const start = (due: DueEntry) => {
    const lane = laneKeyOf(due);
    const endpoint = endpointKeyOf(due);
    count(endpoint, 1);
    summary.lanes += 1;
    const work = drainLane(due, { settings, stopped })
      .then((tally: LaneTally) => {
        summary.attempts += tally.attempts;
        summary.succeeded += tally.succeeded;
        summary.retried += tally.retried;
        summary.failed += tally.failed;
      })
      .catch((error: unknown) => logger.error('webhook lane failed', { lane, error: error as Error }))
      .finally(() => {
        inFlight.delete(lane);
        count(endpoint, -1);
      });
    inFlight.set(lane, work);
  };
  for (;;) {
    summary.polls += 1;
    for (const due of await dueNow(new Date(), PAGE)) {
      if (inFlight.size >= MAX_LANES) break;
      if (inFlight.has(laneKeyOf(due)) || (perEndpoint.get(endpointKeyOf(due)) ?? 0) >= PER_ENDPOINT)
        continue;
      start(due);
    }
    if (stopped()) break;
    // Anything to wait for within the window: lanes at work, or entries falling due before it ends.
    if (inFlight.size === 0 && (await dueNow(new Date(end), 1)).length === 0) break;
    await pause(Math.min(payload.pollSeconds * 1000, Math.max(0, end - Date.now())));
  }
  await Promise.all(inFlight.values());
  return summary;
}
