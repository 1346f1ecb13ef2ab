import { logger } from '../../shared/logger';
import { signedHeaders } from '../../shared/signing/standard-webhooks';
import { recordEndpointFailure, recordEndpointSuccess } from '../endpoints/health';
import { type EndpointRecord, getEndpointRecord, signingSecrets } from '../endpoints/store';
import type { DeliverySettings } from './config';
import { giveUpEndpoint } from './endpoint-disabled';
import { dueKey } from './keys';
import {
  type AttemptLog,
  type AttemptResult,
  type DeliveryRecord,
  type DueEntry,
  deleteDue,
  deleteLaneEntry,
  getDelivery,
  laneHead,
  recordAttempt,
  takeLease,
} from './queue';
import { failingTooLong, nextAttemptAt, verdictOf } from './schedule';
import { LEFT_TO_SWEEPER, post, USER_AGENT } from './send';

/**
 * Works one lane from a due entry: its first pending delivery is attempted (under a lease), the
 * outcome recorded, and while deliveries succeed or finish the next one follows — so one order's
 * events reach the endpoint one after another, in order. The lane stops when it is empty (the
 * due entry is deleted), when its first delivery waits for a retry (its own due entry was written
 * with the retry; this one is deleted), when another worker holds it, or when the caller says stop
 * (the due entry stays: the sweeper carries on). Whatever happens between two writes, a due entry
 * for the lane remains, so a crash loses nothing; a delivery sent but not recorded is sent again
 * with the same webhook-id.
 */
export interface DrainOptions {
  settings: DeliverySettings;
  /** Checked before every attempt after the first: the inline budget is spent, the sweeper's window is over. */
  stopped: () => boolean;
  /** Aborts an attempt in flight (the inline budget): it is then recorded as timed out and retried. */
  signal?: AbortSignal;
}

export interface LaneTally {
  attempts: number;
  succeeded: number;
  retried: number;
  failed: number;
  /** How the lane was left. */
  state: 'empty' | 'waiting' | 'busy' | 'stopped';
}

/** How much longer than an attempt's timeout a lease lasts: a worker that died lets go after this. */
const LEASE_MARGIN_MS = 15_000;

export async function drainLane(due: DueEntry, options: DrainOptions): Promise<LaneTally> {
  const tally: LaneTally = { attempts: 0, succeeded: 0, retried: 0, failed: 0, state: 'empty' };
  const left = (state: LaneTally['state']) => ({ ...tally, state });
  for (;;) {
    if (tally.attempts > 0 && options.stopped()) return left('stopped');
    const head = await laneHead(due);
    if (!head) {
      await deleteDue(due);
      return left('empty');
    }
    const delivery = await getDelivery(due.tenantId, head.deliveryId);
    if (delivery?.status !== 'pending') {
      // A lane entry outliving its delivery's pending state cannot be written together; clear it.
      await deleteLaneEntry({ ...due, webhookId: head.webhookId });
      continue;
    }
    const now = new Date();
    if (delivery.nextAttemptAt && delivery.nextAttemptAt > now.toISOString()) {
      // Not yet: the retry wrote its own due entry at nextAttemptAt.
      if (due.sk !== dueKey(due, delivery.nextAttemptAt).sk) await deleteDue(due);
      return left('waiting');
    }
    const lease = await takeLease(
      delivery,
      now,
      new Date(now.getTime() + options.settings.timeoutMs + LEASE_MARGIN_MS),
    );
    if (!lease) return left('busy');
    tally.attempts += 1;
    const result = await attemptOnce(delivery, lease, options);
    if (!result) return left('busy');
    tally[result.status === 'succeeded' ? 'succeeded' : result.status === 'failed' ? 'failed' : 'retried'] +=
      1;
    if (result.status === 'pending') {
      if (due.sk !== dueKey(due, result.nextAttemptAt).sk) await deleteDue(due);
      return left('waiting');
    }
  }
}

/** One attempt of a leased delivery, recorded with its consequences; undefined when the lease was lost meanwhile. */
async function attemptOnce(
  delivery: DeliveryRecord,
  lease: string,
  options: DrainOptions,
): Promise<AttemptResult | undefined> {
  const endpoint = await getEndpointRecord(delivery.tenantId, delivery.endpointId);
  if (!endpoint?.enabled) {
    const at = new Date().toISOString();
    const attempt = { at, durationMs: 0, error: endpoint ? 'endpoint disabled' : 'endpoint deleted' };
    return (await recordAttempt(delivery, lease, attempt, { status: 'failed' }))
      ? { status: 'failed' }
      : undefined;
  }
  const attempt = await send(endpoint, delivery, options);
  const now = new Date();
  if (attempt.error === LEFT_TO_SWEEPER) {
    // The fan-out's own budget ran out, not the receiver's time: the attempt is logged (it may have
    // arrived; the same webhook-id follows) but takes no turn of the schedule and says nothing of
    // the endpoint's health. The sweeper sends it again at once.
    const result: AttemptResult = { status: 'pending', nextAttemptAt: now.toISOString() };
    return (await recordAttempt(delivery, lease, attempt, result, { counted: false })) ? result : undefined;
  }
  const verdict = attempt.error ? 'retry' : verdictOf(attempt.statusCode);
  const givingUp =
    verdict === 'gone' ||
    (verdict === 'retry' && failingTooLong(endpoint.failingSince, now, options.settings.disableAfterMs));
  const next =
    verdict === 'retry' && !givingUp
      ? nextAttemptAt(delivery.roundAttempts + 1, options.settings.retryDelaysSeconds, now)
      : undefined;
  const result: AttemptResult =
    verdict === 'succeeded'
      ? { status: 'succeeded' }
      : next
        ? { status: 'pending', nextAttemptAt: next }
        : { status: 'failed' };
  if (!(await recordAttempt(delivery, lease, attempt, result))) return undefined;
  await learnFrom(endpoint, verdict, givingUp, now);
  return result;
}

async function send(
  endpoint: EndpointRecord,
  delivery: DeliveryRecord,
  options: DrainOptions,
): Promise<AttemptLog> {
  const at = new Date();
  const secrets = await signingSecrets(endpoint, at);
  const headers = {
    ...signedHeaders(secrets, delivery.webhookId, Math.floor(at.getTime() / 1000), delivery.body),
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };
  return post(endpoint.url, headers, delivery.body, options.settings.timeoutMs, options.signal);
}

/** The endpoint's health after an attempt; bookkeeping only: a failure here never undoes the attempt's record. */
async function learnFrom(
  endpoint: EndpointRecord,
  verdict: ReturnType<typeof verdictOf>,
  givingUp: boolean,
  now: Date,
): Promise<void> {
  try {
    if (verdict === 'succeeded') await recordEndpointSuccess(endpoint);
    else if (givingUp) await giveUpEndpoint(endpoint, verdict === 'gone' ? 'gone' : 'failing', now);
    else await recordEndpointFailure(endpoint, now);
  } catch (error) {
    logger.error('webhook endpoint health not recorded', { endpointId: endpoint.id, error: error as Error });
  }
}
