import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { FunctionSpec } from '../../functions/manifest';
import { callerOf, readJsonBody, replyAwsJson } from '../aws-json';

/**
 * The twin's EventBridge endpoint: PutEvents, the one call Orderly's functions make, in
 * EventBridge's own wire protocol (AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`), so the
 * real `@aws-sdk/client-eventbridge` talks to it (`AWS_ENDPOINT_URL_EVENTBRIDGE`) and the
 * publisher's handling of per-entry failures runs as it does in AWS. One custom bus; what it
 * receives is kept in memory for the twin and tests to read (`events()`, `observers`); no rules,
 * no targets.
 *
 * Who calls is read from the request's signature, as the Step Functions endpoint does: a function
 * whose manifest entry does not say `publishesEvents` is refused (AccessDeniedException), as is
 * one naming another bus (its grant covers this bus only). Other callers (the twin, tests) are not
 * limited.
 */
export const LOCAL_EVENT_BUS = 'orderly-local-events';

export interface ReceivedEvent {
  eventId: string;
  busName: string;
  source: string;
  detailType: string;
  /** The entry's Detail, parsed. */
  detail: Record<string, unknown>;
  time: Date;
  /** The function that published it, when a function did. */
  publisher?: string;
}

export interface EventBridgeEndpointOptions {
  functions: readonly FunctionSpec[];
  functionNameOf(fn: FunctionSpec): string;
  busName?: string;
  /**
   * Appends every accepted event to this file as a JSON line (npm start: .data/eventbridge/),
   * as an archive of the bus: what the twin published, across restarts.
   */
  archiveFile?: string;
  /** Keep only the latest this many events in memory (a long-running twin); all when absent. */
  retain?: number;
}

export interface EventBridgeEndpoint {
  url: string;
  busName: string;
  /** Every event the bus accepted, in the order it accepted them. */
  events(): readonly ReceivedEvent[];
  /** Every PutEvents request that reached the bus: who sent it and how many entries it carried. */
  requests(): readonly { caller?: string; entries: number }[];
  /** Told of each event as the bus accepts it. */
  observers: Set<(event: ReceivedEvent) => void>;
  /** The next `count` entries that would be accepted fail instead (`InternalFailure`), as EventBridge's sometimes do. */
  failNextEntries(count: number): void;
  close(): Promise<void>;
}

/** EventBridge's limits on one PutEvents request. */
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

class ApiError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = type;
  }
}

type Answer = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export async function startEventBridgeEndpoint(
  options: EventBridgeEndpointOptions,
): Promise<EventBridgeEndpoint> {
  const busName = options.busName ?? LOCAL_EVENT_BUS;
  if (options.archiveFile) mkdirSync(dirname(options.archiveFile), { recursive: true, mode: 0o700 });
  const byName = new Map(options.functions.map((fn) => [options.functionNameOf(fn), fn]));
  const received: ReceivedEvent[] = [];
  const requests: { caller?: string; entries: number }[] = [];
  const observers = new Set<(event: ReceivedEvent) => void>();
  let failing = 0;

  const busOf = (entry: Record<string, unknown>) =>
    typeof entry.EventBusName === 'string' && entry.EventBusName ? entry.EventBusName : 'default';

  const checkCaller = (caller: string | undefined, entries: Record<string, unknown>[]) => {
    if (caller === undefined) return;
    const denied = (resource: string) =>
      new ApiError(
        'AccessDeniedException',
        `User: local/${caller} is not authorized to perform: events:PutEvents on resource: event-bus/${resource} ` +
          '(set publishesEvents on the function in functions/manifest.ts)',
      );
    if (!byName.get(caller)?.publishesEvents) throw denied(busName);
    const other = entries.map(busOf).find((bus) => bus !== busName);
    if (other !== undefined) throw denied(other);
  };

  const accept = (entry: Record<string, unknown>, caller: string | undefined): Answer => {
    const { Source, DetailType, Detail, Time } = entry;
    if (typeof Source !== 'string' || !Source || typeof DetailType !== 'string' || !DetailType)
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source and DetailType are required.' };
    const detail = detailOf(Detail);
    if (!detail)
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed: it must be a JSON object.' };
    if (busOf(entry) !== busName)
      return {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${busOf(entry)} does not exist.`,
      };
    if (failing > 0) {
      failing--;
      return {
        ErrorCode: 'InternalFailure',
        ErrorMessage: 'Internal failure (injected by failNextEntries).',
      };
    }
    const event: ReceivedEvent = {
      eventId: randomUUID(),
      busName,
      source: Source,
      detailType: DetailType,
      detail,
      time: typeof Time === 'number' ? new Date(Time * 1000) : new Date(),
      ...(caller ? { publisher: caller } : {}),
    };
    received.push(event);
    if (options.retain !== undefined && received.length > options.retain) received.shift();
    if (options.archiveFile)
      appendFileSync(options.archiveFile, `${JSON.stringify(event)}\n`, { mode: 0o600 });
    for (const observer of observers) observer(event);
    return { EventId: event.eventId };
  };

  const putEvents = (body: Record<string, unknown>, caller: string | undefined) => {
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES)
      throw new ApiError('ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} entries.`);
    if (!entries.every((entry) => typeof entry === 'object' && entry !== null && !Array.isArray(entry)))
      throw new ApiError('ValidationException', 'Every entry must be an object.');
    if (entries.reduce((sum: number, entry) => sum + sizeOf(entry), 0) > MAX_REQUEST_BYTES)
      throw new ApiError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    checkCaller(caller, entries);
    requests.push({ ...(caller ? { caller } : {}), entries: entries.length });
    const answers = entries.map((entry) => accept(entry, caller));
    return { FailedEntryCount: answers.filter((a) => 'ErrorCode' in a).length, Entries: answers };
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents')
        throw new ApiError('UnknownOperationException', `Unknown operation ${target}`);
      const body = await readJsonBody(req);
      if (!body) throw new ApiError('SerializationException', 'The request body is not JSON');
      replyAwsJson(res, '1.1', 200, putEvents(body, callerOf(req)));
    } catch (error) {
      const type = error instanceof ApiError ? error.name : 'InternalException';
      res.setHeader('x-amzn-errortype', type);
      replyAwsJson(res, '1.1', error instanceof ApiError ? 400 : 500, {
        __type: type,
        message: (error as Error).message,
      });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    busName,
    events: () => [...received],
    requests: () => [...requests],
    observers,
    failNextEntries: (count) => {
      failing = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function detailOf(detail: unknown): Record<string, unknown> | undefined {
  if (typeof detail !== 'string') return undefined;
  try {
    const parsed = JSON.parse(detail);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An entry's size as EventBridge counts it against the request limit. Computed here on its own, not
 * with the publisher's code (functions/events/batches.ts): the stand-in checks the publisher, it must
 * not share its mistakes.
 */
function sizeOf(entry: Record<string, unknown>): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce((sum: number, resource) => sum + bytes(resource), 0)
  );
}
