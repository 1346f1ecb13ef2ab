import { ForgetfulMap } from '../shared/forgetful-map';
import { ULID_PATTERN } from '../shared/ids';
import { openSecret } from '../shared/secrets/sealed-secret';
import { newWebhookSecret, verify, WebhookVerificationError } from '../shared/signing/standard-webhooks';
import { liveSecrets } from '../webhooks/endpoints/endpoint-secrets';
import { InvalidSignatureError } from './errors';
import { secretContext } from './keys';
import type { InboundKind } from './schemas';
import { readSourceLookup, type SourceLookup } from './store';

/**
 * Opened secrets per container, by source and sealed value: KMS is not asked again for every
 * message, a rotation (a new sealed value) misses the cache, and a sealed value copied onto
 * another source is not taken from it but opened under that source's context, where it fails.
 */
const opened = new ForgetfulMap<string, Promise<string>>(256);

function open(sourceId: string, sealed: string): Promise<string> {
  const key = `${sourceId}\n${sealed}`;
  let secret = opened.get(key);
  if (!secret) {
    secret = openSecret(sealed, secretContext(sourceId));
    // A failure (KMS throttled) is not remembered.
    secret.catch(() => opened.delete(key));
    opened.set(key, secret);
  }
  return secret;
}

/** What an unknown source is verified against: nobody holds it, and the work is the same as for a real one. */
let decoy: string | undefined;

/**
 * Verifies a message against its source before anything else is read or parsed: the source's
 * live secrets (the current one and, after a rotation, the previous one while it overlaps), the
 * timestamp within five minutes, one signature matching. An unknown source, a malformed id or a
 * source of the other kind fails as a wrong signature does (401, same answer).
 */
export async function verifyMessage(
  kind: InboundKind,
  sourceId: string,
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  now: Date,
): Promise<{ source: SourceLookup; webhookId: string }> {
  const found = ULID_PATTERN.test(sourceId) ? await readSourceLookup(sourceId) : undefined;
  const source = found?.kind === kind ? found : undefined;
  decoy ??= newWebhookSecret();
  const secrets = source
    ? await Promise.all(liveSecrets(source.secrets, now).map((s) => open(source.sourceId, s.sealed)))
    : [decoy];
  let webhookId: string;
  try {
    webhookId = verify(secrets, headers, body, now).id;
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new InvalidSignatureError(error.reason);
    throw error;
  }
  if (!source) throw new InvalidSignatureError('bad-signature');
  return { source, webhookId };
}
