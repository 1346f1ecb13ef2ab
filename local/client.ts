/**
 * `npm run -s client -- create --tenant <t> --scopes <a,b> [--partner <p>] [--name <n>]` registers
 * an OAuth 2.0 machine client with the running twin and prints its id and secret (shown this once)
 * and how to get a token; `npm run -s client -- list` lists the registered clients. It talks to the
 * twin over its control socket (local/control/server.ts), so it needs `npm start` running on the
 * same data directory. In AWS, machine clients come from the stack's context (docs/security.md).
 */
import { dirname, isAbsolute, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { MachineClient } from '../functions/clients/store';
import { MACHINE_SCOPE_NAMES } from '../functions/shared/auth/machine-scope-list';
import { callTwin, NoTwinError } from './control/client';
import { CONTROL_SOCKET } from './paths';

const USAGE = `Usage: npm run -s client -- create --tenant <tenant> --scopes <scope,…> [--partner <partner>] [--name <name>]
       npm run -s client -- list

Registers a machine client (OAuth 2.0 client credentials) bound to one tenant, and prints its
client id and secret: the secret is shown this once. The fulfilment scope needs --partner.
Scopes: ${MACHINE_SCOPE_NAMES.join(', ')}.`;

let positionals: string[];
let values: { tenant?: string; scopes?: string; partner?: string; name?: string; help?: boolean };
try {
  ({ positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      partner: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
const [command, ...extra] = positionals;
if (values.help || command === undefined) {
  console.log(USAGE);
  process.exit(0);
}
if (extra.length || (command !== 'create' && command !== 'list')) fail(`Unknown command.\n\n${USAGE}`, 2);

const socketDir = dirname(CONTROL_SOCKET);
const fromHere = relative(process.cwd(), socketDir);
const dataDir = fromHere.startsWith('..') || isAbsolute(fromHere) ? socketDir : fromHere || '.';
const reachTwin = (error: Error): never =>
  fail(
    error instanceof NoTwinError
      ? `No twin is running on ${dataDir}/ — start one with npm start.`
      : `Cannot reach the twin: ${error.message}`,
  );

if (command === 'list') {
  const answer = await callTwin(CONTROL_SOCKET, 'GET', '/clients').catch(reachTwin);
  if (answer.status !== 200) fail(`The twin answered ${answer.status}.`);
  const clients = (answer.body as { clients: MachineClient[] }).clients;
  for (const client of clients)
    console.log(
      `${client.clientId}  tenant ${client.tenantId}${client.partnerId ? `  partner ${client.partnerId}` : ''}  ` +
        `scopes ${client.scopes.join(',')}  ${client.name}  ${client.createdAt}`,
    );
  if (clients.length === 0) console.log('No machine clients yet.');
  process.exit(0);
}

if (!values.tenant || !values.scopes) fail(`create needs --tenant and --scopes.\n\n${USAGE}`, 2);
const registration = {
  tenantId: values.tenant,
  scopes: values.scopes.split(',').map((scope) => scope.trim()),
  ...(values.partner === undefined ? {} : { partnerId: values.partner }),
  ...(values.name === undefined ? {} : { name: values.name }),
};
const answer = await callTwin(CONTROL_SOCKET, 'POST', '/clients', registration).catch(reachTwin);
const body = answer.body as {
  client?: MachineClient;
  clientSecret?: string;
  tokenUrl?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
};
if (answer.status !== 201 || !body.client || !body.clientSecret) {
  const issues = body.errors?.map((issue) => `  ${issue.field}: ${issue.message}`).join('\n');
  fail(
    issues
      ? `The client was not created:\n${issues}`
      : (body.detail ?? `The twin answered ${answer.status}.`),
  );
}
const { client, clientSecret, tokenUrl } = body;
console.log(`client id:     ${client.clientId}
client secret: ${clientSecret}
tenant:        ${client.tenantId}${client.partnerId ? `\npartner:       ${client.partnerId}` : ''}
scopes:        ${client.scopes.join(' ')}

The secret is shown this once. Get an access token (valid one hour) with:
  curl -s -u '${client.clientId}:${clientSecret}' -d grant_type=client_credentials ${tokenUrl}`);
process.exit(0);

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}
