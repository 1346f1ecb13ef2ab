import { hashClientSecret, newClientId, newClientSecret } from './client-secret';
import { parseRegistration } from './registration';
import { type MachineClient, putMachineClient } from './store';

/**
 * Registers a machine client in the twin (`npm run client -- create`): a new id and secret, the
 * secret's hash and the tenant binding in the registry. The secret is returned this once. In AWS
 * the stack creates the Cognito app client and writes the same item without a hash.
 */
export async function registerMachineClient(
  input: unknown,
  now = new Date(),
): Promise<{ client: MachineClient; clientSecret: string }> {
  const registration = parseRegistration(input);
  const clientSecret = newClientSecret();
  const client: MachineClient = { clientId: newClientId(), ...registration, createdAt: now.toISOString() };
  await putMachineClient(client, await hashClientSecret(clientSecret));
  return { client, clientSecret };
}
