import { existsSync } from 'node:fs';
import { issueToken, loadOrCreateSigningKey } from '../gateway/dev-tokens';
import { SIGNING_KEY_FILE } from '../paths';
import { ImportError } from './errors';

/**
 * Where the import sends its batches, and as whom. Given `--url` and `--token` (any Orderly API,
 * a deployed one with a Cognito token), those. Otherwise the running twin, found as the other
 * CLIs find it (`npm run wait`): `ORDERLY_URL`, else `http://localhost:$PORT` (3000 by default,
 * what `npm start` serves), and a development token signed with the twin's own key in .data/
 * (what `npm run token` issues): an admin of `--tenant` (default demo) named `importer`. The
 * key is only read, never created: without one, no twin ever ran on this data directory.
 */
export interface Target {
  url: string;
  token: string;
  /** The token's tenant and user, for the resume state and the run's header line. */
  tenant: string;
  user: string;
}

export class TargetError extends ImportError {
  override name = 'TargetError';
}

export interface TargetOptions {
  url?: string;
  token?: string;
  tenant?: string;
  env?: NodeJS.ProcessEnv;
  signingKeyFile?: string;
}

/** The import's lifetime is the token's: long enough for a big file. */
const TOKEN_SECONDS = 12 * 60 * 60;

export async function resolveTarget(options: TargetOptions): Promise<Target> {
  const env = options.env ?? process.env;
  const url = (options.url ?? env.ORDERLY_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, '');
  let token = options.token ?? env.ORDERLY_TOKEN;
  if (token === undefined) {
    const keyFile = options.signingKeyFile ?? SIGNING_KEY_FILE;
    if (!existsSync(keyFile))
      throw new TargetError(
        `No twin has run on this data directory (no ${keyFile}): start one with npm start, or pass --url and --token.`,
      );
    const key = await loadOrCreateSigningKey(keyFile);
    token = await issueToken(key, {
      tenantId: options.tenant ?? 'demo',
      userId: 'importer',
      roles: ['admin'],
      expiresInSeconds: TOKEN_SECONDS,
    });
  }
  const claims = claimsOf(token);
  return {
    url,
    token,
    tenant: String(claims['custom:tenant_id'] ?? 'unknown'),
    user: String(claims.sub ?? 'unknown'),
  };
}

/** The token's claims, read without checking its signature (the API checks it): for naming only. */
function claimsOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

/**
 * Refuses early, with a useful message, when nothing answers at the URL. Only the connection
 * decides: refused, unknown host, or no TCP handshake within undici's own connect timeout. Once
 * connected, the probe waits for the answer however long it takes, with no clock of its own: a
 * twin on a saturated machine can take many seconds to answer /health, and it is there all the
 * same (a fixed 10 s limit here once failed an import against a healthy but busy twin).
 */
export async function checkReachable(url: string): Promise<void> {
  try {
    const response = await fetch(`${url}/health`);
    await response.body?.cancel();
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new TargetError(`Cannot reach ${url} (${cause}): is npm start running? Or pass --url.`);
  }
}
