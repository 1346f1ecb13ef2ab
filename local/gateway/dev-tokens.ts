import { existsSync } from 'node:fs';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { TokenUse } from '../../functions/shared/auth/claims';
import type { Role } from '../../functions/shared/auth/roles';
import { readPrivateFile, writePrivateFile } from '../private-files';
import { claimsOf } from './claims-of';

/**
 * The local stand-in for Cognito and the HTTP API JWT authorizer: an ES256 development key
 * (kept under `.data/`, never committed) signs tokens shaped like Cognito ID tokens, and the
 * gateway verifies issuer, audience, expiry and signature the way the authorizer does.
 */
export const DEV_ISSUER = 'https://orderly.local/dev-issuer';
export const DEV_AUDIENCE = 'orderly-local';
/** Development tokens live a week at most: a leaked one does not stay valid for ever. */
export const MAX_DEV_TOKEN_SECONDS = 7 * 24 * 60 * 60;
const ALG = 'ES256';

export interface DevSigningKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function newSigningKey(): Promise<DevSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

/** Loads the development key from `file`, creating it (mode 0600) on first use; refuses a file others may read. */
export async function loadOrCreateSigningKey(file: string): Promise<DevSigningKey> {
  const text = existsSync(file)
    ? readPrivateFile(file)
    : writePrivateFile(file, JSON.stringify(await newSigningKey()));
  return JSON.parse(text) as DevSigningKey;
}

export interface TokenRequest {
  tenantId: string;
  userId: string;
  roles: Role[];
  partnerId?: string;
  scopes?: string[];
  /** The token type; the gateway's functions take only the configured one (`ORDERLY_TOKEN_USE`). */
  tokenUse?: TokenUse;
  expiresInSeconds?: number;
}

export async function issueToken(key: DevSigningKey, request: TokenRequest): Promise<string> {
  const lifetime = request.expiresInSeconds ?? 12 * 60 * 60;
  // Tests ask for tokens that have already expired; nobody gets one that outlives the cap.
  if (!Number.isInteger(lifetime) || lifetime > MAX_DEV_TOKEN_SECONDS)
    throw new RangeError(`A development token lives at most ${MAX_DEV_TOKEN_SECONDS} seconds`);
  const privateKey = await importJWK(key.privateJwk, ALG);
  const { sub: _, ...claims } = claimsOf(request, request.tokenUse);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, kid: 'orderly-dev' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(request.userId)
    .setIssuedAt()
    .setExpirationTime(`${lifetime}s`)
    .sign(privateKey);
}

export type Verifier = (token: string) => Promise<Record<string, unknown>>;

export async function createVerifier(key: DevSigningKey): Promise<Verifier> {
  const publicKey = await importJWK(key.publicJwk, ALG);
  return async (token) => {
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: [ALG],
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    return payload as Record<string, unknown>;
  };
}
