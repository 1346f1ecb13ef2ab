import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The time an invocation waits on DynamoDB Local beyond what DynamoDB itself would take.
 *
 * An invocation's limit counts its waits on I/O, as Lambda does (thread-clock.ts). In AWS those
 * waits are on DynamoDB, a service whose latency does not depend on what the caller's neighbours
 * do: single-digit milliseconds for a read, a few tens for a transaction. In the twin they are on
 * DynamoDB Local, a Java process sharing the machine's few cores with every other environment, the
 * test runner and whatever else runs there; on a saturated machine one of its transactions can take
 * seconds, and a handler making six of them would "time out" though it did nothing wrong.
 *
 * So each environment keeps, in memory shared with the twin, how long it has had at least one
 * request to DynamoDB Local in flight and how many requests it made; the twin charges each request
 * up to `CHARGED_MS_PER_REQUEST` and excuses the rest of that waiting. A handler that computes, sleeps
 * or waits on anything else past its limit still times out, and one stuck on DynamoDB Local is cut
 * off by the SDK's own request timeout, as it would be in AWS.
 *
 * Requests made in parallel share their waiting time (the union of their intervals is measured) but
 * each is still charged: parallel requests are excused less, never more, than sequential ones.
 */
export const CHARGED_MS_PER_REQUEST = 25;

const SLOTS = 4;
const UNION_US = 0;
const IN_FLIGHT = 1;
const SINCE_US = 2;
const REQUESTS = 3;

/** Microseconds on a clock both threads share (each thread's performance.now() has its own origin). */
const nowUs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));

export class EmulatorWaits {
  readonly buffer: SharedArrayBuffer;
  private readonly slots: BigInt64Array;
  private readonly nowUs: () => bigint;

  /** `clock` (microseconds) is for tests; both threads must use the same one. */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * 8), clock: () => bigint = nowUs) {
    this.buffer = buffer;
    this.slots = new BigInt64Array(buffer);
    this.nowUs = clock;
  }

  /** In the environment: measures every attempt of every request `client` sends (retries' back-off excluded). */
  meter(client: Pick<DynamoDBClient, 'middlewareStack'>): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        this.started();
        try {
          return await next(args);
        } finally {
          this.ended();
        }
      },
      // After the retry middleware (finalizeRequest, high): one measurement per attempt.
      { step: 'finalizeRequest', priority: 'low', name: 'orderlyEmulatorWaits', override: true },
    );
  }

  started(): void {
    Atomics.add(this.slots, REQUESTS, 1n);
    if (Atomics.add(this.slots, IN_FLIGHT, 1n) === 0n) Atomics.store(this.slots, SINCE_US, this.nowUs());
  }

  ended(): void {
    if (Atomics.sub(this.slots, IN_FLIGHT, 1n) === 1n) {
      Atomics.add(this.slots, UNION_US, this.nowUs() - Atomics.load(this.slots, SINCE_US));
    }
  }

  /** A reading to subtract from a later one: the waiting to excuse between the two. */
  reading(): { waitedUs: bigint; requests: bigint } {
    const inFlight = Atomics.load(this.slots, IN_FLIGHT) > 0n;
    const open = inFlight ? this.nowUs() - Atomics.load(this.slots, SINCE_US) : 0n;
    return {
      waitedUs: Atomics.load(this.slots, UNION_US) + (open > 0n ? open : 0n),
      requests: Atomics.load(this.slots, REQUESTS),
    };
  }

  /** Milliseconds of waiting on DynamoDB Local to excuse since `from` (a reading taken earlier). */
  excusedMsSince(from: { waitedUs: bigint; requests: bigint }): number {
    const now = this.reading();
    const waitedMs = Number(now.waitedUs - from.waitedUs) / 1000;
    const chargedMs = Number(now.requests - from.requests) * CHARGED_MS_PER_REQUEST;
    return Math.max(0, waitedMs - chargedMs);
  }
}
