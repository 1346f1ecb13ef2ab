import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'vitest';
import {
  newLocalSecretKey,
  openSecret,
  SECRET_KEY_ENV,
  SECRETS_KMS_KEY_ENV,
  sealSecret,
} from '../../functions/shared/secrets/sealed-secret';
import { loadOrCreateSecretKey } from '../../local/cursor-key';

/**
 * Sealed secrets with the twin's local key (AES-256-GCM, the context as additional data). The KMS
 * path is the same two calls with the context as KMS encryption context; KMS itself cannot run here.
 */
const context = { tenantId: 'acme', endpointId: '01JENDPOINT' };
let saved: string | undefined;
beforeEach(() => {
  saved = process.env[SECRET_KEY_ENV];
  process.env[SECRET_KEY_ENV] = newLocalSecretKey();
});
afterEach(() => {
  if (saved === undefined) delete process.env[SECRET_KEY_ENV];
  else process.env[SECRET_KEY_ENV] = saved;
});

describe('sealed secrets (local key)', () => {
  it('opens what it sealed, and the sealed text holds nothing of the secret', async () => {
    const secret = 'whsec_c2VjcmV0LWJ5dGVzLWZvci10aGUtdGVzdA==';
    const sealed = await sealSecret(secret, context);
    assert.ok(sealed.startsWith('local:v1:'));
    assert.ok(!sealed.includes(secret.slice(6)));
    assert.equal(await openSecret(sealed, context), secret);
    // A fresh IV each time: the same secret never seals to the same text.
    assert.notEqual(await sealSecret(secret, context), sealed);
  });

  it('refuses a value moved to another record, another tenant, a tampered value and another key', async () => {
    const sealed = await sealSecret('whsec_AAAAAAAAAAAAAAAAAAAAAA==', context);
    await assert.rejects(
      openSecret(sealed, { ...context, endpointId: '01JOTHER' }),
      /unable to authenticate/,
    );
    await assert.rejects(openSecret(sealed, { ...context, tenantId: 'globex' }), /unable to authenticate/);
    const [iv, body, tag] = sealed.slice('local:v1:'.length).split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;
    await assert.rejects(
      openSecret(`local:v1:${iv}.${flipped.toString('base64url')}.${tag}`, context),
      /unable to authenticate/,
    );
    process.env[SECRET_KEY_ENV] = newLocalSecretKey();
    await assert.rejects(openSecret(sealed, context), /unable to authenticate/);
    await assert.rejects(openSecret('plain-text', context), /Unknown sealed-secret format/);
  });

  it('the context is read in a canonical order: the same pairs in another order open', async () => {
    const sealed = await sealSecret('whsec_AAAAAAAAAAAAAAAAAAAAAA==', { b: '2', a: '1' });
    assert.equal(await openSecret(sealed, { a: '1', b: '2' }), 'whsec_AAAAAAAAAAAAAAAAAAAAAA==');
  });

  it('without any key it names both variables instead of calling KMS blindly', async () => {
    delete process.env[SECRET_KEY_ENV];
    const kms = process.env[SECRETS_KMS_KEY_ENV];
    delete process.env[SECRETS_KMS_KEY_ENV];
    try {
      await assert.rejects(sealSecret('x', context), new RegExp(`${SECRET_KEY_ENV}.*${SECRETS_KMS_KEY_ENV}`));
    } finally {
      if (kms !== undefined) process.env[SECRETS_KMS_KEY_ENV] = kms;
    }
  });

  it('npm start keeps its key in a private file and reads the same key back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderly-secret-key-'));
    try {
      const file = join(dir, 'secret-key');
      const first = loadOrCreateSecretKey(file);
      assert.equal(Buffer.from(first, 'base64url').length, 32);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(loadOrCreateSecretKey(file), first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
