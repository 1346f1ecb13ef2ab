import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { requiredEnv } from '../shared/db/client';
import { logger } from '../shared/logger';
import type { CloudEvent } from './cloud-event';

/**
 * The EventBridge custom bus the domain events go to (`EVENT_BUS_NAME`). The client finds
 * EventBridge through the SDK's own configuration (`AWS_ENDPOINT_URL_EVENTBRIDGE` in the twin),
 * created on first use and reused by the execution environment.
 */
export const BUS_SOURCE = 'orderly.orders';
export const eventBusName = () => requiredEnv('EVENT_BUS_NAME');

let client: EventBridgeClient | undefined;
const eventBridge = () => {
  client ??= new EventBridgeClient({});
  return client;
};

/** The whole envelope as the detail, so that rules match on `detail.type`, `detail.tenantid`, `detail.data…`. */
export function busEntry(event: CloudEvent, busName: string): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: BUS_SOURCE,
    DetailType: event.type,
    Detail: JSON.stringify(event),
    Time: new Date(event.time),
  };
}

export interface RetryPolicy {
  /** Requests in all, the first included. */
  attempts: number;
  baseDelayMs: number;
}

/** A few quick tries: entries fail for throttling or an internal failure that passes in moments. */
export const ENTRY_RETRIES: RetryPolicy = { attempts: 4, baseDelayMs: 100 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one PutEvents request's entries, then again only the entries that failed (EventBridge
 * answers per entry: `ErrorCode` instead of `EventId`), with exponential back-off and jitter.
 * Returns the positions in `entries` of those that still failed, in order: none when all went.
 * A request the SDK gave up on (after its own retries) fails every entry it carried.
 */
export async function putEntries(
  entries: readonly PutEventsRequestEntry[],
  policy: RetryPolicy = ENTRY_RETRIES,
): Promise<number[]> {
  let pending = entries.map((_, index) => index);
  for (let attempt = 1; ; attempt++) {
    let failed: number[];
    try {
      const result = await eventBridge().send(
        new PutEventsCommand({ Entries: pending.map((index) => entries[index] as PutEventsRequestEntry) }),
      );
      // Answers come in the order of the request's entries.
      const refused = pending
        .map((index, k) => ({ index, answer: result.Entries?.[k] }))
        .filter(({ answer }) => !answer?.EventId || answer.ErrorCode);
      failed = refused.map(({ index }) => index);
      if (failed.length) {
        const codes = [...new Set(refused.map(({ answer }) => answer?.ErrorCode ?? 'no answer'))];
        logger.warn('event bus entries failed', { attempt, failed: failed.length, codes });
      }
    } catch (error) {
      logger.warn('event bus request failed', { attempt, error: error as Error });
      return pending;
    }
    if (failed.length === 0 || attempt >= policy.attempts) return failed;
    pending = failed;
    await pause(policy.baseDelayMs * 2 ** (attempt - 1) * (1 + Math.random()));
  }
}
