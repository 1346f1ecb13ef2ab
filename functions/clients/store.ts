import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';

/**
 * The machine-client registry: which tenant (and partner) each OAuth 2.0 client is bound to.
 * One item per client under its own system key, `MACHINE_CLIENT#<clientId>` — the documented
 * exception to tenant-first keys (docs/security.md, "Machine clients"): the token path knows the
 * client and nothing else, and the item is what binds the client to its tenant.
 */
export interface MachineClient {
  clientId: string;
  tenantId: string;
  /** Unqualified machine scope names (functions/shared/auth/machine-scope-list.ts). */
  scopes: string[];
  partnerId?: string;
  name: string;
  createdAt: string;
}

export interface MachineClientRecord extends MachineClient {
  pk: string;
  sk: typeof ITEM_SK;
  entity: 'MACHINE_CLIENT';
  /** The twin only (client-secret.ts): in AWS Cognito holds the secret. */
  secretHash?: string;
}

const ITEM_SK = 'MACHINE_CLIENT' as const;
export const machineClientKey = (clientId: string) =>
  ({ pk: `MACHINE_CLIENT#${clientId}`, sk: ITEM_SK }) as const;

/** Strongly consistent: a client registered a moment ago gets its token. */
export async function getMachineClient(clientId: string): Promise<MachineClientRecord | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: machineClientKey(clientId), ConsistentRead: true }),
  );
  return Item as MachineClientRecord | undefined;
}

/** Writes a new client; an id already registered is never overwritten (its tenant binding stays). */
export async function putMachineClient(
  client: MachineClient,
  secretHash?: string,
): Promise<MachineClientRecord> {
  const record: MachineClientRecord = {
    ...machineClientKey(client.clientId),
    entity: 'MACHINE_CLIENT',
    ...client,
    ...(secretHash ? { secretHash } : {}),
  };
  await documentClient.send(
    new PutCommand({
      TableName: domainTableName(),
      Item: record,
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return record;
}

/**
 * Every registered client, for the twin's `npm run client -- list` only: a Scan, which no
 * function does (in AWS the app clients are listed by Cognito and come from the stack's context).
 */
export async function scanMachineClients(): Promise<MachineClient[]> {
  const clients: MachineClient[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new ScanCommand({
        TableName: domainTableName(),
        FilterExpression: 'entity = :entity',
        ExpressionAttributeValues: { ':entity': 'MACHINE_CLIENT' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) clients.push(publicFields(item as MachineClientRecord));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return clients.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The client without its keys and secret hash. */
export function publicFields(record: MachineClientRecord): MachineClient {
  const { pk: _pk, sk: _sk, entity: _entity, secretHash: _hash, ...client } = record;
  return client;
}
