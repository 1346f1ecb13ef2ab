import { PARTNER_CLAIM, TENANT_CLAIM } from '../shared/auth/claims';
import { qualifiedScope, RESOURCE_SERVER_ID } from '../shared/auth/machine-scope-list';
import { getMachineClient } from './store';

/**
 * Cognito's pre-token-generation trigger (event version 3, the one that sees client-credentials
 * grants). For a machine client it binds the access token to the client's tenant (and partner)
 * from the registry item, which only the stack writes: nothing in the token request can choose
 * them. An unregistered client gets no token (the error fails the grant). Orderly scopes the
 * registry does not list are suppressed, so the registry stays the one truth even if the app
 * client's allowed scopes drift from it. Sign-ins of people pass through unchanged.
 */
export interface ClientCredentialsTokenEvent {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName?: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  request: { scopes?: string[]; [key: string]: unknown };
  response: {
    claimsAndScopeOverrideDetails?: {
      accessTokenGeneration?: {
        claimsToAddOrOverride?: Record<string, string>;
        scopesToSuppress?: string[];
      };
    } | null;
  };
}

export class UnknownMachineClientError extends Error {
  override name = 'UnknownMachineClientError';
}

export const CLIENT_CREDENTIALS_SOURCE = 'TokenGeneration_ClientCredentials';

export async function handler(event: ClientCredentialsTokenEvent): Promise<ClientCredentialsTokenEvent> {
  if (event.triggerSource !== CLIENT_CREDENTIALS_SOURCE) return event;
  const client = await getMachineClient(event.callerContext.clientId);
  if (!client) throw new UnknownMachineClientError('This client is not registered with Orderly.');
  const granted = new Set(client.scopes.map(qualifiedScope));
  const suppressed = (event.request.scopes ?? []).filter(
    (scope) => scope.startsWith(`${RESOURCE_SERVER_ID}/`) && !granted.has(scope),
  );
  event.response.claimsAndScopeOverrideDetails = {
    accessTokenGeneration: {
      claimsToAddOrOverride: {
        [TENANT_CLAIM]: client.tenantId,
        ...(client.partnerId ? { [PARTNER_CLAIM]: client.partnerId } : {}),
      },
      ...(suppressed.length ? { scopesToSuppress: suppressed } : {}),
    },
  };
  return event;
}
