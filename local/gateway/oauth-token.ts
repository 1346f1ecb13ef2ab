import { importJWK, SignJWT } from 'jose';
import { clientSecretMatches } from '../../functions/clients/client-secret';
import type { MachineClientRecord } from '../../functions/clients/store';
import { OAUTH_SCOPE_CLAIM, PARTNER_CLAIM, TENANT_CLAIM } from '../../functions/shared/auth/claims';
import { qualifiedScope } from '../../functions/shared/auth/machine-scope-list';
import { DEV_AUDIENCE, DEV_ISSUER, type DevSigningKey } from './dev-tokens';

/**
 * The twin's stand-in for Cognito's token endpoint, for the OAuth 2.0 client-credentials grant
 * (RFC 6749 §4.4) only: a machine client authenticates with its id and secret (HTTP Basic or the
 * form's `client_id`/`client_secret`, never both) and gets an access token signed by the
 * development key, shaped like Cognito's after the pre-token-generation trigger
 * (functions/clients/pre-token-generation.ts): `client_id`, `token_use: access`, the granted
 * `orderly/…` scopes, and the tenant and partner of the client's registry item — the request
 * cannot name them. Errors are RFC 6749 §5.2's.
 */
export const TOKEN_PATH = '/oauth2/token';
/** Cognito's default access-token validity, which the stack sets for machine clients too. */
export const MACHINE_TOKEN_SECONDS = 3600;
const ALG = 'ES256';

export interface TokenEndpointRequest {
  method: string;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}
export interface TokenEndpointResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
export type TokenEndpoint = (request: TokenEndpointRequest) => Promise<TokenEndpointResponse>;

type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type';

class TokenRequestError extends Error {
  readonly error: OAuthError;
  readonly description: string;
  constructor(error: OAuthError, description: string) {
    super(description);
    this.error = error;
    this.description = description;
  }
}

export function createTokenEndpoint(options: {
  key: DevSigningKey;
  findClient: (clientId: string) => Promise<MachineClientRecord | undefined>;
}): TokenEndpoint {
  const signingKey = importJWK(options.key.privateJwk, ALG);
  return async (request) => {
    try {
      const params = formParameters(request);
      const grantType = params.get('grant_type');
      if (grantType === undefined) throw new TokenRequestError('invalid_request', 'grant_type is required.');
      if (grantType !== 'client_credentials')
        throw new TokenRequestError('unsupported_grant_type', 'Only client_credentials is supported.');
      const { clientId, clientSecret } = clientCredentials(request.headers.authorization, params);
      const client = await options.findClient(clientId);
      // A missing client and a wrong secret answer alike (and take alike: clientSecretMatches).
      if (!(await clientSecretMatches(clientSecret, client?.secretHash)) || !client)
        throw new TokenRequestError('invalid_client', 'Client authentication failed.');
      const scopes = grantedScopes(client, params.get('scope'));
      const token = await new SignJWT({
        client_id: client.clientId,
        token_use: 'access',
        [OAUTH_SCOPE_CLAIM]: scopes.join(' '),
        [TENANT_CLAIM]: client.tenantId,
        ...(client.partnerId ? { [PARTNER_CLAIM]: client.partnerId } : {}),
      })
        .setProtectedHeader({ alg: ALG, kid: 'orderly-dev' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(client.clientId)
        .setJti(crypto.randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${MACHINE_TOKEN_SECONDS}s`)
        .sign(await signingKey);
      return answer(200, { access_token: token, token_type: 'Bearer', expires_in: MACHINE_TOKEN_SECONDS });
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      const status = error.error === 'invalid_client' ? 401 : 400;
      return answer(
        status,
        { error: error.error, error_description: error.description },
        // RFC 6749 §5.2: a 401 names the scheme the client may authenticate with.
        status === 401 ? { 'www-authenticate': 'Basic realm="orderly"' } : {},
      );
    }
  };
}

/** The form's parameters, each at most once (RFC 6749 §3.2). */
function formParameters(request: TokenEndpointRequest): Map<string, string> {
  if (request.method !== 'POST') throw new TokenRequestError('invalid_request', 'Use POST.');
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new TokenRequestError(
      'invalid_request',
      'Send the parameters as application/x-www-form-urlencoded.',
    );
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) {
    if (params.has(name)) throw new TokenRequestError('invalid_request', `${name} is repeated.`);
    params.set(name, value);
  }
  return params;
}

/** HTTP Basic (its halves form-encoded, RFC 6749 §2.3.1) or the form's fields; one method only. */
function clientCredentials(
  authorization: string | undefined,
  params: Map<string, string>,
): { clientId: string; clientSecret: string } {
  const inForm = params.has('client_id') || params.has('client_secret');
  if (authorization !== undefined) {
    if (inForm)
      throw new TokenRequestError(
        'invalid_request',
        'Authenticate with one method: Basic or the form, not both.',
      );
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    const decoded = basic?.[1] ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new TokenRequestError('invalid_client', 'Send Authorization: Basic <id:secret>.');
    try {
      return {
        clientId: formDecoded(decoded.slice(0, colon)),
        clientSecret: formDecoded(decoded.slice(colon + 1)),
      };
    } catch {
      throw new TokenRequestError('invalid_client', 'The Basic credentials are not form-encoded.');
    }
  }
  const clientId = params.get('client_id');
  const clientSecret = params.get('client_secret');
  if (!clientId || clientSecret === undefined)
    throw new TokenRequestError(
      'invalid_client',
      'Authenticate with HTTP Basic or client_id and client_secret.',
    );
  return { clientId, clientSecret };
}

const formDecoded = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));

/** The scopes asked for (all the client's when none are), each one the client holds. */
function grantedScopes(client: MachineClientRecord, requested: string | undefined): string[] {
  const held = client.scopes.map(qualifiedScope);
  if (requested === undefined) return held;
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  if (asked.length === 0) throw new TokenRequestError('invalid_scope', 'scope names no scope.');
  const refused = asked.filter((scope) => !held.includes(scope));
  if (refused.length)
    throw new TokenRequestError('invalid_scope', `Not granted to this client: ${refused.join(' ')}.`);
  return asked;
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): TokenEndpointResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json;charset=UTF-8',
      // RFC 6749 §5.1: responses carrying tokens are not cached.
      'cache-control': 'no-store',
      pragma: 'no-cache',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}
