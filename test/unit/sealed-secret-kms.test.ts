import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, vi } from 'vitest';

/**
 * The AWS path of sealed secrets: what `sealSecret` and `openSecret` ask KMS (the key named in
 * ORDERLY_SECRETS_KMS_KEY_ID, the plaintext's UTF-8 bytes, the context as encryption context), how
 * the ciphertext is stored (`kms:v1:` + base64) and that a context other than the sealing one does
 * not open. KMS cannot run here, so `@aws-sdk/client-kms` is replaced by a fake that keeps the
 * requests it gets and, like KMS, refuses to decrypt under another key or encryption context.
 */
const kms = vi.hoisted(() => ({
  requests: [] as { command: string; input: Record<string, unknown> }[],
  clients: 0,
}));

vi.mock('@aws-sdk/client-kms', () => {
  class EncryptCommand {
    readonly input: Record<string, unknown>;
    constructor(input: Record<string, unknown>) {
      this.input = input;
    }
  }
  class DecryptCommand {
    readonly input: Record<string, unknown>;
    constructor(input: Record<string, unknown>) {
      this.input = input;
    }
  }
  class KMSClient {
    constructor() {
      kms.clients++;
    }
    async send(command: EncryptCommand | DecryptCommand) {
      const input = command.input;
      kms.requests.push({ command: command.constructor.name, input });
      if (command instanceof EncryptCommand) {
        const blob = JSON.stringify({
          key: input.KeyId,
          context: input.EncryptionContext,
          plaintext: Buffer.from(input.Plaintext as Uint8Array).toString('base64'),
        });
        return { CiphertextBlob: new Uint8Array(Buffer.from(blob, 'utf8')) };
      }
      const sealed = JSON.parse(Buffer.from(input.CiphertextBlob as Uint8Array).toString('utf8'));
      if (
        sealed.key !== input.KeyId ||
        JSON.stringify(sealed.context) !== JSON.stringify(input.EncryptionContext)
      )
        throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
      return { Plaintext: new Uint8Array(Buffer.from(sealed.plaintext, 'base64')) };
    }
  }
  return { EncryptCommand, DecryptCommand, KMSClient };
});

const { openSecret, SECRET_KEY_ENV, SECRETS_KMS_KEY_ENV, sealSecret } = await import(
  '../../functions/shared/secrets/sealed-secret'
);

let saved: { key?: string; kms?: string };
beforeEach(() => {
  saved = { key: process.env[SECRET_KEY_ENV], kms: process.env[SECRETS_KMS_KEY_ENV] };
  delete process.env[SECRET_KEY_ENV];
  process.env[SECRETS_KMS_KEY_ENV] = 'alias/orderly-secrets';
  kms.requests.length = 0;
});
afterEach(() => {
  for (const [name, value] of [
    [SECRET_KEY_ENV, saved.key],
    [SECRETS_KMS_KEY_ENV, saved.kms],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

const context = { tenantId: 'acme', endpointId: '01JENDPOINT' };

describe('sealed secrets with KMS', () => {
  it('encrypts the UTF-8 bytes under the configured key with the context, and stores kms:v1: + base64', async () => {
    const sealed = await sealSecret('whsec_Grüße', context);
    assert.equal(kms.requests.length, 1);
    const [{ command, input }] = kms.requests as [{ command: string; input: Record<string, unknown> }];
    assert.equal(command, 'EncryptCommand');
    assert.equal(input.KeyId, 'alias/orderly-secrets');
    assert.deepEqual(Buffer.from(input.Plaintext as Uint8Array), Buffer.from('whsec_Grüße', 'utf8'));
    assert.deepEqual(input.EncryptionContext, context);
    assert.ok(sealed.startsWith('kms:v1:'));
    const blob = JSON.parse(Buffer.from(sealed.slice('kms:v1:'.length), 'base64').toString('utf8'));
    assert.deepEqual(blob, {
      key: 'alias/orderly-secrets',
      context,
      plaintext: Buffer.from('whsec_Grüße', 'utf8').toString('base64'),
    });
  });

  it('decrypts with the same key and context, and a moved value does not open', async () => {
    const sealed = await sealSecret('whsec_secret', context);
    kms.requests.length = 0;
    assert.equal(await openSecret(sealed, context), 'whsec_secret');
    const [{ command, input }] = kms.requests as [{ command: string; input: Record<string, unknown> }];
    assert.equal(command, 'DecryptCommand');
    assert.equal(input.KeyId, 'alias/orderly-secrets');
    assert.deepEqual(input.EncryptionContext, context);
    await assert.rejects(
      openSecret(sealed, { ...context, endpointId: '01JOTHER' }),
      /InvalidCiphertextException/,
    );
  });

  it('uses one KMS client for every call of the execution environment', async () => {
    await openSecret(await sealSecret('a', context), context);
    await sealSecret('b', context);
    assert.equal(kms.clients, 1);
  });

  it('without a key id names both variables, for sealing and for opening a KMS value', async () => {
    const sealed = await sealSecret('a', context);
    delete process.env[SECRETS_KMS_KEY_ENV];
    const message = `No secret key: neither ${SECRET_KEY_ENV} nor ${SECRETS_KMS_KEY_ENV} is set`;
    await assert.rejects(sealSecret('a', context), { message });
    await assert.rejects(openSecret(sealed, context), { message });
  });
});
