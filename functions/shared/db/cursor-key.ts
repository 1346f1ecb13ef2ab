/**
 * The key that signs pagination cursors (`cursor.ts`), given to exactly the functions that read or
 * write cursors (the manifest's `cursors`):
 *
 * - the twin and the tests set it in ORDERLY_CURSOR_KEY (the twin keeps a random one under its
 *   data directory);
 * - in AWS the stack generates a Secrets Manager secret and names it in
 *   ORDERLY_CURSOR_KEY_SECRET_ARN; it is read once per execution environment, on the first list
 *   request, so functions that never page never call Secrets Manager.
 *
 * Rotating the key invalidates every open cursor: a client that holds one gets a 400 on
 * `query.cursor` and starts its list again from the first page. An environment started before a
 * rotation keeps the key it read until Lambda recycles it; publish the functions again (any
 * configuration change) after rotating so that all of them read the new one.
 */
export const CURSOR_KEY_ENV = 'ORDERLY_CURSOR_KEY';
export const CURSOR_KEY_SECRET_ENV = 'ORDERLY_CURSOR_KEY_SECRET_ARN';

/** 32 characters of a random key (the twin's base64url of 32 bytes, the stack's 64 letters and digits) are at least 190 bits. */
const MIN_KEY_CHARS = 32;

let given: { text: string; key: Buffer } | undefined;
let fromSecret: Promise<Buffer> | undefined;

export async function cursorKey(): Promise<Buffer> {
  const text = process.env[CURSOR_KEY_ENV];
  if (text !== undefined) {
    if (given?.text !== text) given = { text, key: keyFrom(text, CURSOR_KEY_ENV) };
    return given.key;
  }
  const secretId = process.env[CURSOR_KEY_SECRET_ENV];
  if (!secretId)
    throw new Error(`No cursor key: neither ${CURSOR_KEY_ENV} nor ${CURSOR_KEY_SECRET_ENV} is set`);
  // A failed read is not cached: the next request tries again.
  fromSecret ??= readSecret(secretId).catch((error: unknown) => {
    fromSecret = undefined;
    throw error;
  });
  return fromSecret;
}

async function readSecret(secretId: string): Promise<Buffer> {
  // Loaded on first use: the functions that import the cursor code without paging stay small at cold start.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return keyFrom(SecretString ?? '', 'the cursor key secret');
  } finally {
    client.destroy();
  }
}

function keyFrom(text: string, source: string): Buffer {
  if (text.length < MIN_KEY_CHARS)
    throw new Error(`The cursor key in ${source} is shorter than ${MIN_KEY_CHARS} characters`);
  return Buffer.from(text, 'utf8');
}
