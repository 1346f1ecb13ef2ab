import {
  BatchGetItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * Raw DynamoDB Local doing exactly what a path of Orderly does: the requests its functions made
 * for one order, recorded as sent (same commands, same item sizes, same conditions), replayed
 * directly with the order's own values made fresh, so each replay creates a new order as the
 * real path does. Nothing is written by hand here, so the baseline cannot drift from the code.
 *
 * Which values belong to one order is found by recording two orders along the same path: every
 * string attribute value that differs between them (ids, order numbers, keys, tokens, timestamps)
 * is replaced, in each replay, by a string of the same length unique to that replay —
 * consistently, so a key written by one request is the key a later request reads or updates.
 * Numbers stay as recorded.
 */
export interface RecordedRequest {
  command: string;
  input: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: each command takes its own input type; the recording holds them all.
const COMMANDS: Record<string, new (input: any) => any> = {
  GetItemCommand,
  BatchGetItemCommand,
  QueryCommand,
  PutItemCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  TransactWriteItemsCommand,
};

export interface ReplayPlan {
  requests: RecordedRequest[];
  /** Strings that belong to the recorded order and must be fresh in each replay. */
  variable: Set<string>;
}

/** Compares two recordings of the same path; they must be the same requests in the same shape. */
export function planReplay(first: RecordedRequest[], second: RecordedRequest[]): ReplayPlan {
  if (first.length !== second.length)
    throw new Error(
      `The two recorded orders made ${first.length} and ${second.length} requests: not one path`,
    );
  const variable = new Set<string>();
  const walk = (a: unknown, b: unknown, attribute: string | undefined) => {
    if (typeof a === 'string' && typeof b === 'string') {
      // Only string attribute values ({ S: … }) name things; numbers and expressions do not.
      if (a !== b && attribute === 'S') variable.add(a);
      return;
    }
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
        walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], key);
    }
  };
  first.forEach((request, i) => {
    if (request.command !== second[i]?.command) throw new Error(`Request ${i} differs: not one path`);
    walk(request.input, second[i]?.input, undefined);
  });
  // Replayed as the functions sent them, without the benchmark's own request for capacity figures.
  const requests = first.map((r) => {
    const { ReturnConsumedCapacity: _asked, ...input } = r.input as Record<string, unknown>;
    return { command: r.command, input };
  });
  return { requests, variable };
}

/** The recorded requests with this replay's fresh values in place of the order's own. */
function freshRequests(plan: ReplayPlan, replay: number): RecordedRequest[] {
  const tag = `${process.pid.toString(36)}${replay.toString(36)}`.toUpperCase();
  const fresh = new Map<string, string>();
  const renew = (value: string) => {
    let renewed = fresh.get(value);
    if (!renewed) {
      const suffix = `${tag}Z${fresh.size.toString(36)}`.toUpperCase();
      renewed = value.length > suffix.length ? value.slice(0, value.length - suffix.length) + suffix : suffix;
      fresh.set(value, renewed);
    }
    return renewed;
  };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          k === 'S' && typeof v === 'string' && plan.variable.has(v) ? renew(v) : rewrite(v),
        ]),
      );
    }
    return value;
  };
  return plan.requests.map((r) => ({ command: r.command, input: rewrite(r.input) }));
}

export function rawClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Replays one order's requests in order; returns the names of the errors met (none when all passed). */
export async function replayOnce(
  client: DynamoDBClient,
  plan: ReplayPlan,
  replay: number,
): Promise<string[]> {
  const errors: string[] = [];
  for (const request of freshRequests(plan, replay)) {
    const Command = COMMANDS[request.command];
    if (!Command) throw new Error(`Cannot replay ${request.command}`);
    try {
      await client.send(new Command(request.input));
    } catch (error) {
      errors.push(`${request.command}: ${(error as Error).name}`);
    }
  }
  return errors;
}
