/**
 * `npm start`: the local twin with demo data. DynamoDB Local persists under .data/, so a second
 * start keeps everything, and orders that were half-way resume their workflow. SIGINT (Ctrl-C) or
 * SIGTERM stops the workflows, the API, the functions' environments and the Java process, and
 * leaves no process and no port behind.
 */
import { createServer } from 'node:net';
import { relative } from 'node:path';
import { httpFunctions, streamFunctions } from '../functions/manifest';
import { IN_HOUSE_PARTNER } from '../functions/settings/fulfilment-partners';
import { scopeOf } from '../functions/shared/auth/permissions';
import { ROLES } from '../functions/shared/auth/roles';
import { loadOrCreateCursorKey, loadOrCreateSecretKey } from './cursor-key';
import { loadOrCreateSigningKey } from './gateway/dev-tokens';
import { startDemoPartner } from './partner-simulator/demo';
import {
  CONTROL_SOCKET,
  CURSOR_KEY_FILE,
  DATA_DIR,
  DYNAMODB_DATA_DIR,
  EVENT_ARCHIVE,
  SECRET_KEY_FILE,
  SIGNING_KEY_FILE,
  STREAMS_DIR,
} from './paths';
import { preparePrivateDirectory } from './private-files';
import { DEMO_TENANT, seedDemoTenant } from './seed';
import { startTwin, type Twin } from './twin';

// Signals are handled from the first moment: one that arrives while the twin is still starting
// stops it as soon as it is up, rather than killing this process and orphaning DynamoDB Local.
let twin: Twin | undefined;
let stopPartner: (() => Promise<void>) | undefined;
let stopping: string | undefined;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = signal;
  if (!twin) return; // startTwin's continuation stops it
  console.log(`\n${signal}: stopping the workflows, the API and DynamoDB Local…`);
  await stopPartner?.();
  await twin.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65535)
  exit(`PORT must be a port number, got '${process.env.PORT}'.`);
if (!(await portIsFree(port))) {
  exit(
    `Port ${port} is already in use — is another \`npm start\` running? Stop it, or pick another port: PORT=3001 npm start`,
  );
}

const started = performance.now();
// Owner only, before anything is written there; the keys refuse to load if others may read them.
preparePrivateDirectory(DATA_DIR);
const keys = await (async () => ({
  signingKey: await loadOrCreateSigningKey(SIGNING_KEY_FILE),
  cursorKey: loadOrCreateCursorKey(CURSOR_KEY_FILE),
  secretKey: loadOrCreateSecretKey(SECRET_KEY_FILE),
}))().catch((error: Error) => exit(error.message));
const quiet = Boolean(process.env.QUIET);
twin = await startTwin({
  port,
  dataDir: DYNAMODB_DATA_DIR,
  signingKey: keys.signingKey,
  cursorKey: keys.cursorKey,
  secretKey: keys.secretKey,
  streamsDir: STREAMS_DIR,
  controlSocket: CONTROL_SOCKET,
  eventArchive: EVENT_ARCHIVE,
  // Executions' event logs would only grow in a twin that runs for days; their counts stay.
  recordWorkflowEvents: false,
  log: quiet ? undefined : (line) => console.log(`  ${line}`),
  functionLog: quiet ? undefined : (record) => console.log(record.line),
}).catch((error: Error) => exit(error.message));
if (stopping) {
  const signal = stopping;
  stopping = undefined;
  await stop(signal);
}

const seeded = await seedDemoTenant();
// Issue 11 (helper F): the demo's fulfilment partner, simulated: a webhook receiver that ships and
// delivers what it is asked to, through the signed inbound endpoint (local/partner-simulator/).
const partner = await startDemoPartner(twin, DEMO_TENANT, {
  log: quiet ? undefined : (line) => console.log(`  ${line}`),
});
stopPartner = partner.stop;
const readyMs = performance.now() - started;

const lines = [
  '',
  `Orderly local twin is ready in ${(readyMs / 1000).toFixed(1)} s`,
  `  API      ${twin.url}`,
  `  Docs     ${twin.url}/docs   (click Authorize, paste a token)`,
  `  OpenAPI  ${twin.url}/openapi.json`,
  `  Health   ${twin.url}/health`,
  `  Data     .data/ (${seeded ? 'demo tenant seeded now' : 'kept from the last run'}); DynamoDB Local at ${twin.dynamoDbEndpoint}`,
  `  Workflow statemachines/order-lifecycle.asl.json, run by the twin; ${resumedLine(twin.resumedOrders)}`,
  `  Streams  ${streamFunctions.map((fn) => fn.name).join(', ')} (dead letters: npm run dlq)`,
  `  Events   the local EventBridge bus's archive: ${relative(process.cwd(), EVENT_ARCHIVE)}`,
  `  ${partner.line}`,
  `  Jobs     ${twin.scheduler
    .list()
    .map((job) => `${job.name} ${job.expression}`)
    .join(', ')} (run one now: npm run job -- <name>)`,
  '',
  `Development tokens for tenant "${DEMO_TENANT}", valid 12 h — paste into another shell:`,
];
for (const role of ROLES) {
  // A fulfilment user works for a partner: the demo's default one, which serves most of its orders.
  const partner = role === 'fulfilment' ? { partnerId: IN_HOUSE_PARTNER } : {};
  // The demo integration may do everything an integration can; a real one gets only its scopes.
  const scopes = role === 'integration' ? { scopes: integrationScopes() } : {};
  const token = await twin.token({
    tenantId: DEMO_TENANT,
    userId: `${role}-user`,
    roles: [role],
    ...partner,
    ...scopes,
  });
  lines.push(`  export ${role.toUpperCase()}_TOKEN=${token}`);
}
lines.push(
  '',
  'Any other tenant, user or roles: npm run -s token -- --role approver --tenant acme --user ann',
  `Try: curl -H "Authorization: Bearer $SALES_TOKEN" ${twin.url}/v1/customers`,
  'Ctrl-C stops everything.',
  '',
);
console.log(lines.join('\n'));

function resumedLine(resumed: number): string {
  if (resumed === 0) return 'no unfinished order to resume';
  return `${resumed} unfinished order${resumed === 1 ? '' : 's'} resumed`;
}

function portIsFree(candidate: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function exit(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Every scope a route that takes integrations asks for. */
function integrationScopes(): string[] {
  const ops = httpFunctions.map((fn) => fn.operation);
  return [
    ...new Set(ops.filter((op) => 'roles' in op.auth && op.auth.roles.includes('integration')).map(scopeOf)),
  ];
}
