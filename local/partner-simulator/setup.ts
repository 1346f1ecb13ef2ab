import type { SimulatorSettings } from './reports';
import { FULFILMENT_REQUESTED } from './reports';
import { type PartnerSimulator, startPartnerSimulator } from './simulator';
import { readSimulatorState, type SimulatorState, writeSimulatorState } from './state';

/**
 * `npm start`'s partner simulator: starts it, and makes sure, through Orderly's own API as the
 * tenant's admin, that the tenant has what a real partner integration would have — a webhook
 * endpoint of the partner subscribed to `order.fulfilment_requested` at the simulator's URL, and a
 * fulfilment inbound source for its reports. Idempotent across restarts: the ids and secrets are
 * kept in the state file; a kept endpoint gets its URL patched when the port changed (and is
 * enabled again if deliveries had disabled it); what the state file lost track of is deleted and
 * made anew. Then orders the partner was asked to ship before a restart are taken up again.
 */
export const SIMULATOR_DESCRIPTION = 'Fulfilment partner simulator (npm start)';

export interface DemoSimulatorOptions {
  apiUrl: string;
  /** An admin token of the tenant (the endpoint and source routes are admin's). */
  adminToken: string;
  tenantId: string;
  partnerId: string;
  stateFile: string;
  settings: SimulatorSettings;
  log?: (line: string) => void;
  /** Scales the reports' retry back-off (tests). */
  retryScale?: number;
}

export interface DemoSimulator {
  simulator: PartnerSimulator;
  state: SimulatorState;
  /** Orders taken up again at start. */
  resumed: number;
}

interface Endpoint {
  id: string;
  url: string;
  description?: string;
  eventTypes: string[];
  enabled: boolean;
  partnerId?: string;
  version: number;
}

interface InboundSource {
  id: string;
  kind: string;
  partnerId?: string;
  description?: string;
}

export async function startDemoSimulator(options: DemoSimulatorOptions): Promise<DemoSimulator> {
  const kept = readSimulatorState(options.stateFile);
  const previous = kept?.tenantId === options.tenantId ? kept : undefined;
  const simulator = await startOn(options, previous?.port);
  try {
    const api = apiOf(options.apiUrl, options.adminToken);
    const endpoint = await ensureEndpoint(api, options, simulator.url, previous);
    const source = await ensureSource(api, options, previous);
    const state: SimulatorState = {
      tenantId: options.tenantId,
      port: simulator.port,
      endpointId: endpoint.id,
      endpointSecret: endpoint.secret,
      sourceId: source.id,
      inboundSecret: source.secret,
    };
    if (JSON.stringify(state) !== JSON.stringify(previous)) writeSimulatorState(options.stateFile, state);
    simulator.configure(state);
    const resumed = await resumeOrders(api, simulator, options.partnerId);
    return { simulator, state, resumed };
  } catch (error) {
    await simulator.stop();
    throw error;
  }
}

/** On the port it had (the endpoint's URL stays right), else on any free one. */
async function startOn(options: DemoSimulatorOptions, port: number | undefined): Promise<PartnerSimulator> {
  const start = (on: number) =>
    startPartnerSimulator({
      apiUrl: options.apiUrl,
      delaySeconds: options.settings.delaySeconds,
      partnerId: options.partnerId,
      port: on,
      retryScale: options.retryScale,
      log: options.log,
    });
  if (!port) return start(0);
  return start(port).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') return start(0);
    throw error;
  });
}

async function ensureEndpoint(
  api: Api,
  options: DemoSimulatorOptions,
  url: string,
  previous: SimulatorState | undefined,
): Promise<{ id: string; secret: string }> {
  const wanted = { url, eventTypes: [FULFILMENT_REQUESTED], partnerId: options.partnerId, enabled: true };
  if (previous) {
    const found = await api.call('GET', `/v1/webhooks/endpoints/${previous.endpointId}`, [200, 404]);
    if (found.status === 200) {
      const endpoint = found.body as unknown as Endpoint;
      const stale =
        endpoint.url !== wanted.url ||
        !endpoint.enabled ||
        endpoint.partnerId !== wanted.partnerId ||
        JSON.stringify(endpoint.eventTypes) !== JSON.stringify(wanted.eventTypes);
      if (stale)
        await api.call('PATCH', `/v1/webhooks/endpoints/${endpoint.id}`, [200], wanted, {
          'if-match': `"${endpoint.version}"`,
        });
      return { id: endpoint.id, secret: previous.endpointSecret };
    }
  }
  // Endpoints of an earlier simulator whose secret is lost would only fail: they go.
  const listed = await api.call('GET', '/v1/webhooks/endpoints', [200]);
  for (const old of itemsOf<Endpoint>(listed.body).filter((e) => e.description === SIMULATOR_DESCRIPTION))
    await api.call('DELETE', `/v1/webhooks/endpoints/${old.id}`, [204, 404]);
  const created = await api.call('POST', '/v1/webhooks/endpoints', [201], {
    ...wanted,
    description: SIMULATOR_DESCRIPTION,
  });
  return createdOf(created.body);
}

async function ensureSource(
  api: Api,
  options: DemoSimulatorOptions,
  previous: SimulatorState | undefined,
): Promise<{ id: string; secret: string }> {
  const listed = itemsOf<InboundSource>((await api.call('GET', '/v1/webhooks/inbound-sources', [200])).body);
  if (previous && listed.some((s) => s.id === previous.sourceId))
    return { id: previous.sourceId, secret: previous.inboundSecret };
  for (const old of listed.filter((s) => s.description === SIMULATOR_DESCRIPTION))
    await api.call('DELETE', `/v1/webhooks/inbound-sources/${old.id}`, [204, 404]);
  const created = await api.call('POST', '/v1/webhooks/inbound-sources', [201], {
    kind: 'fulfilment',
    partnerId: options.partnerId,
    description: SIMULATOR_DESCRIPTION,
  });
  return createdOf(created.body);
}

/**
 * Orders of the partner that wait on it: asked to ship (IN_FULFILMENT) or shipped and not yet
 * delivered (SHIPPED). Their webhook was answered before a restart, so none comes again; reports
 * of a step that did land meanwhile get 409 and change nothing.
 */
async function resumeOrders(api: Api, simulator: PartnerSimulator, partnerId: string): Promise<number> {
  let resumed = 0;
  for (const [status, step] of [
    ['IN_FULFILMENT', 'ship'],
    ['SHIPPED', 'deliver'],
  ] as const) {
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const query = new URLSearchParams({ status, limit: '100', ...(cursor ? { cursor } : {}) });
      const listed = await api.call('GET', `/v1/orders?${query}`, [200]);
      for (const order of itemsOf<{ id: string; partnerId?: string }>(listed.body)) {
        if (order.partnerId !== partnerId) continue;
        simulator.resume(order.id, step);
        resumed++;
      }
      cursor = listed.body.nextCursor;
      if (!cursor) break;
    }
  }
  return resumed;
}

type Api = ReturnType<typeof apiOf>;
/** The fields this module reads of the API's answers. */
type Answer = { id?: string; secret?: string; nextCursor?: string; items?: unknown[] } & Record<
  string,
  unknown
>;

function apiOf(baseUrl: string, token: string) {
  return {
    async call(
      method: string,
      path: string,
      expected: number[],
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; body: Answer }> {
      const response = await fetch(baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!expected.includes(response.status))
        throw new Error(`${method} ${path.split('?')[0]} answered ${response.status}: ${text.slice(0, 300)}`);
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

/** The id and the once-shown secret of what a POST created. */
function createdOf(body: Answer): { id: string; secret: string } {
  if (typeof body.id !== 'string' || typeof body.secret !== 'string')
    throw new Error('the create answer has no id and secret');
  return { id: body.id, secret: body.secret };
}

/** A list answer's items, whether the route answers a page (`{ items }`) or a bare array. */
function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  return ((body as { items?: T[] } | undefined)?.items ?? []) as T[];
}
