import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets Orderly must read back (webhook signing secrets, partner inbound secrets) are stored
 * sealed, never in the clear, and bound to where they belong (`context`: tenant and resource), so
 * a sealed value copied onto another record does not open:
 *
 * - in AWS, with KMS (`Encrypt`/`Decrypt` under the key named in ORDERLY_SECRETS_KMS_KEY_ID, the
 *   context as KMS encryption context, which IAM can also condition on);
 * - in the twin and the tests, with AES-256-GCM under the key in ORDERLY_SECRET_KEY (32 random
 *   bytes as base64url; `npm start` keeps it in `.data/secret-key`), the context as additional
 *   authenticated data.
 *
 * The manifest's `secrets` says which functions may seal and which may open; the stack grants
 * exactly those KMS actions, the twin gives the local key to exactly those functions.
 */
export const SECRET_KEY_ENV = 'ORDERLY_SECRET_KEY';
export const SECRETS_KMS_KEY_ENV = 'ORDERLY_SECRETS_KMS_KEY_ID';

export type SealContext = Readonly<Record<string, string>>;

const LOCAL_PREFIX = 'local:v1:';
const KMS_PREFIX = 'kms:v1:';

export function newLocalSecretKey(): string {
  return randomBytes(32).toString('base64url');
}

export async function sealSecret(plaintext: string, context: SealContext): Promise<string> {
  const local = localKey();
  if (local) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', local, iv);
    cipher.setAAD(aad(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${LOCAL_PREFIX}${[iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.')}`;
  }
  const { EncryptCommand } = await import('@aws-sdk/client-kms');
  const out = await (await kms()).send(
    new EncryptCommand({
      KeyId: kmsKeyId(),
      Plaintext: Buffer.from(plaintext, 'utf8'),
      EncryptionContext: { ...context },
    }),
  );
  return `${KMS_PREFIX}${Buffer.from(out.CiphertextBlob as Uint8Array).toString('base64')}`;
}

/** Throws when the value was sealed under another key or another context (tampered or moved). */
export async function openSecret(sealed: string, context: SealContext): Promise<string> {
  if (sealed.startsWith(LOCAL_PREFIX)) {
    const local = localKey();
    if (!local) throw new Error(`A locally sealed secret needs ${SECRET_KEY_ENV}`);
    const [iv, body, tag] = sealed
      .slice(LOCAL_PREFIX.length)
      .split('.')
      .map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !body || !tag) throw new Error('Malformed sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', local, iv);
    decipher.setAAD(aad(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
  if (sealed.startsWith(KMS_PREFIX)) {
    const { DecryptCommand } = await import('@aws-sdk/client-kms');
    const out = await (await kms()).send(
      new DecryptCommand({
        KeyId: kmsKeyId(),
        CiphertextBlob: Buffer.from(sealed.slice(KMS_PREFIX.length), 'base64'),
        EncryptionContext: { ...context },
      }),
    );
    return Buffer.from(out.Plaintext as Uint8Array).toString('utf8');
  }
  throw new Error('Unknown sealed-secret format');
}

/** The context in a canonical order: the same pairs always authenticate the same bytes. */
function aad(context: SealContext): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

let cachedLocal: { text: string; key: Buffer } | undefined;
function localKey(): Buffer | undefined {
  const text = process.env[SECRET_KEY_ENV];
  if (!text) return undefined;
  if (cachedLocal?.text !== text) {
    const key = Buffer.from(text, 'base64url');
    if (key.length !== 32) throw new Error(`${SECRET_KEY_ENV} must be 32 bytes as base64url`);
    cachedLocal = { text, key };
  }
  return cachedLocal.key;
}

function kmsKeyId(): string {
  const id = process.env[SECRETS_KMS_KEY_ENV];
  if (!id) throw new Error(`No secret key: neither ${SECRET_KEY_ENV} nor ${SECRETS_KMS_KEY_ENV} is set`);
  return id;
}

// One client per execution environment, loaded on first use (functions that never seal stay small).
let client: Promise<import('@aws-sdk/client-kms').KMSClient> | undefined;
function kms() {
  client ??= import('@aws-sdk/client-kms').then(({ KMSClient }) => new KMSClient({}));
  return client;
}
