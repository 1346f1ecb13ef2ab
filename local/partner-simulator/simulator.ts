import { setTimeout as sleep } from 'node:timers/promises';
import { startReceiver } from './receiver';
import { type ReportResult, sendReport } from './reporter';
import { fulfilmentRequestOf, type ReportType, reportOf } from './reports';

/**
 * The fulfilment partner of the twin's demo: it receives Orderly's `order.fulfilment_requested`
 * webhooks (receiver.ts), and for each order reports `fulfilment.shipped`, then
 * `fulfilment.delivered`, each after `delaySeconds`, through Orderly's signed inbound endpoint
 * (reporter.ts) — the whole round trip a real warehouse makes, over real HTTP, with nobody typing.
 */
export interface PartnerSimulatorOptions {
  /** Orderly's base URL (the twin's gateway). */
  apiUrl: string;
  /** Seconds before shipping, and again before delivering. */
  delaySeconds: number;
  /** The partner it plays: requests for another partner's orders are ignored. */
  partnerId: string;
  /** Where the receiver listens (0, the default: a free port). */
  port?: number;
  /** Scales the reports' retry back-off (tests). */
  retryScale?: number;
  log?: (line: string) => void;
}

/** What the simulator must know before it can act: the endpoint's secret and the inbound source. */
export interface SimulatorCredentials {
  endpointSecret: string;
  sourceId: string;
  inboundSecret: string;
}

export interface SimulatorCounts {
  /** Verified fulfilment requests acted on. */
  requests: number;
  shipped: number;
  delivered: number;
  /** Reports given up on. */
  failed: number;
}

export interface PartnerSimulator {
  /** Where Orderly delivers to: the partner endpoint's URL. */
  url: string;
  port: number;
  /** Gives the secrets; until then deliveries are answered 503 (Orderly retries them). */
  configure(credentials: SimulatorCredentials): void;
  /** Takes an order up from `step` without a webhook: one it was asked to ship before a restart. */
  resume(orderId: string, step: 'ship' | 'deliver'): void;
  counts(): SimulatorCounts;
  stop(): Promise<void>;
}

export async function startPartnerSimulator(options: PartnerSimulatorOptions): Promise<PartnerSimulator> {
  let credentials: SimulatorCredentials | undefined;
  const inProgress = new Set<string>();
  const counts: SimulatorCounts = { requests: 0, shipped: 0, delivered: 0, failed: 0 };
  const stopping = new AbortController();
  const log = options.log ?? (() => {});

  const report = async (type: ReportType, orderId: string): Promise<ReportResult> => {
    const current = credentials as SimulatorCredentials;
    const target = {
      url: `${options.apiUrl}/v1/inbound/fulfilment/${encodeURIComponent(current.sourceId)}`,
      secret: current.inboundSecret,
    };
    const result = await sendReport(
      target,
      reportOf(type, orderId, new Date()),
      stopping.signal,
      options.retryScale,
    );
    if (result.outcome === 'give-up') {
      counts.failed++;
      log(
        `partner simulator: gave up reporting ${type} of order ${orderId} (${result.status ?? 'no answer'}): ${result.detail}`,
      );
    }
    return result;
  };

  const fulfil = (orderId: string, from: 'ship' | 'deliver', number?: string) => {
    if (inProgress.has(orderId) || !credentials) return;
    const name = number ? `${number} (${orderId})` : orderId;
    inProgress.add(orderId);
    const run = async () => {
      const pause = () => sleep(options.delaySeconds * 1000, undefined, { signal: stopping.signal });
      if (from === 'ship') {
        await pause();
        if ((await report('fulfilment.shipped', orderId)).outcome !== 'done') return;
        counts.shipped++;
        log(`partner simulator: reported ${name} shipped`);
      }
      await pause();
      if ((await report('fulfilment.delivered', orderId)).outcome !== 'done') return;
      counts.delivered++;
      log(`partner simulator: reported ${name} delivered`);
    };
    run()
      .catch((error: Error) => {
        if (!stopping.signal.aborted) log(`partner simulator: order ${orderId}: ${error.message}`);
      })
      .finally(() => inProgress.delete(orderId));
  };

  const receiver = await startReceiver({
    port: options.port,
    secret: () => credentials?.endpointSecret,
    log: (line) => log(`partner simulator: ${line}`),
    onMessage: (payload) => {
      const request = fulfilmentRequestOf(payload);
      if (!request || (request.partnerId && request.partnerId !== options.partnerId)) return;
      counts.requests++;
      fulfil(request.orderId, 'ship', request.number);
    },
  });

  return {
    url: receiver.url,
    port: receiver.port,
    configure: (given) => {
      credentials = given;
    },
    resume: (orderId, step) => fulfil(orderId, step),
    counts: () => ({ ...counts }),
    stop: async () => {
      stopping.abort();
      await receiver.close();
    },
  };
}
