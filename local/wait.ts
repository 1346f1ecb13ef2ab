/**
 * `npm run -s wait -- <orderId> <STATUS>` waits until an order of the running twin reaches a
 * status (the workflow moves orders on by itself, a moment after each step), so a pasted
 * walk-through never sends a report before the order is ready for it. Prints the status and exits
 * 0; exits 1 if the order ends in another final status or the time runs out.
 */
import { parseArgs } from 'node:util';
import { FINAL_STATUSES } from '../functions/orders/status';
import { issueToken, loadOrCreateSigningKey } from './gateway/dev-tokens';
import { SIGNING_KEY_FILE } from './paths';

const USAGE = `Usage: npm run -s wait -- <orderId> <STATUS> [--tenant demo] [--timeout 60] [--url http://localhost:3000]

Waits until the order reaches STATUS (for example IN_FULFILMENT, SHIPPED, CLOSED) on the running
twin, reading it as an analyst of the tenant. Exits 1 if it ends in another final status first.`;

let parsed: ReturnType<typeof parse>;
const parse = () =>
  parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string', default: 'demo' },
      timeout: { type: 'string', default: '60' },
      url: { type: 'string', default: process.env.ORDERLY_URL ?? 'http://localhost:3000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
try {
  parsed = parse();
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [orderId, wanted] = positionals;
if (!orderId || !wanted || positionals.length > 2) fail(USAGE);
const timeoutMs = Number(values.timeout) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) fail('--timeout takes seconds.');

const key = await loadOrCreateSigningKey(SIGNING_KEY_FILE).catch((error: Error) => fail(error.message));
const token = await issueToken(key, {
  tenantId: values.tenant,
  userId: 'wait-helper',
  roles: ['analyst'],
  expiresInSeconds: 600,
});
const deadline = Date.now() + timeoutMs;
let last = '';
while (Date.now() < deadline) {
  const res = await fetch(`${values.url}/v1/orders/${encodeURIComponent(orderId)}`, {
    headers: { authorization: `Bearer ${token}` },
  }).catch((error: Error) => fail(`Cannot reach ${values.url}: ${error.message} (is npm start running?)`));
  const body = (await res.json()) as { status?: string; detail?: string };
  if (res.status !== 200) fail(`GET /v1/orders/${orderId} → ${res.status} ${body.detail ?? ''}`);
  last = body.status ?? '';
  if (last === wanted) {
    console.log(last);
    process.exit(0);
  }
  if ((FINAL_STATUSES as readonly string[]).includes(last)) fail(`The order ended ${last}, not ${wanted}.`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
fail(`The order is still ${last} after ${values.timeout} s, not ${wanted}.`);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
