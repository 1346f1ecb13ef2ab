import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { MAX_REPORT_ATTEMPTS, outcomeOf, type Report, retryDelaySeconds } from './reports';

/**
 * Sends the partner's reports to Orderly's inbound endpoint (`POST /v1/inbound/fulfilment/<sourceId>`),
 * signed as Standard Webhooks with the inbound source's secret by the reference package. A report
 * Orderly did not answer, or answered with a 5xx, is sent again with the same id and body (so
 * Orderly does it once) and a fresh timestamp and signature (so it is never stale), backing off.
 */
export interface ReporterTarget {
  /** The absolute URL of the inbound endpoint. */
  url: string;
  secret: string;
}

export type ReportResult =
  | { outcome: 'done'; status: number; attempts: number }
  | { outcome: 'give-up'; status?: number; attempts: number; detail: string };

/** How long one attempt may take before it counts as unanswered. */
const ATTEMPT_TIMEOUT_MS = 30_000;

export async function sendReport(
  target: ReporterTarget,
  report: Report,
  signal: AbortSignal,
  retryScale = 1,
): Promise<ReportResult> {
  const webhook = new Webhook(target.secret);
  let detail = '';
  for (let attempt = 1; attempt <= MAX_REPORT_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(retryDelaySeconds(attempt - 1) * 1000 * retryScale, undefined, { signal });
    const at = new Date();
    let status: number | undefined;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Orderly-Partner-Simulator/1',
          'webhook-id': report.webhookId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': webhook.sign(report.webhookId, at, report.body),
        },
        body: report.body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      status = response.status;
      detail = (await response.text()).slice(0, 300);
    } catch (error) {
      if (signal.aborted) throw error;
      detail = (error as Error).message;
    }
    const outcome = outcomeOf(status);
    if (outcome === 'done') return { outcome, status: status as number, attempts: attempt };
    if (outcome === 'give-up') return { outcome, status, attempts: attempt, detail };
  }
  return { outcome: 'give-up', attempts: MAX_REPORT_ATTEMPTS, detail: `no success: ${detail}` };
}
