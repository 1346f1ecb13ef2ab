import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'vitest';
import {
  newLocalSecretKey,
  openSecret,
  SECRET_KEY_ENV,
  SECRETS_KMS_KEY_ENV,
  sealSecret,
} from '../../functions/shared/secrets/sealed-secret';

/**
 * Refusals of the local (AES-256-GCM) sealing the main test does not reach: a locally sealed value
 * with no key to open it, a key that is not 32 bytes (31 and 33 refused, 32 taken), a value missing
 * one of its three parts, the format of what is sealed (prefix, three base64url parts, a 12-byte IV,
 * a 16-byte tag), and a context of several pairs read in canonical order whatever order it is given.
 */
let saved: { key?: string; kms?: string };
beforeEach(() => {
  saved = { key: process.env[SECRET_KEY_ENV], kms: process.env[SECRETS_KMS_KEY_ENV] };
  process.env[SECRET_KEY_ENV] = newLocalSecretKey();
  delete process.env[SECRETS_KMS_KEY_ENV];
});
afterEach(() => {
  for (const [name, value] of [
    [SECRET_KEY_ENV, saved.key],
    [SECRETS_KMS_KEY_ENV, saved.kms],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

const context = { tenantId: 'acme', sourceId: '01JSOURCE' };

describe('the local key', () => {
  it('is 32 random bytes as base64url, new each time', () => {
    const key = newLocalSecretKey();
    assert.match(key, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(key, 'base64url').length, 32);
    assert.notEqual(newLocalSecretKey(), key);
  });

  it('must be exactly 32 bytes: 31 and 33 are refused, naming the variable', async () => {
    for (const length of [31, 33]) {
      process.env[SECRET_KEY_ENV] = Buffer.alloc(length, 3).toString('base64url');
      await assert.rejects(sealSecret('s', context), {
        message: `${SECRET_KEY_ENV} must be 32 bytes as base64url`,
      });
    }
    process.env[SECRET_KEY_ENV] = Buffer.alloc(32, 3).toString('base64url');
    assert.equal(await openSecret(await sealSecret('s', context), context), 's');
  });

  it('a locally sealed value cannot be opened without it, even where KMS is configured', async () => {
    const sealed = await sealSecret('s', context);
    delete process.env[SECRET_KEY_ENV];
    process.env[SECRETS_KMS_KEY_ENV] = 'alias/orderly-secrets';
    await assert.rejects(openSecret(sealed, context), {
      message: `A locally sealed secret needs ${SECRET_KEY_ENV}`,
    });
  });

  it('the key in use follows the variable: a value sealed under the old key no longer opens', async () => {
    const first = Buffer.alloc(32, 1).toString('base64url');
    process.env[SECRET_KEY_ENV] = first;
    const sealed = await sealSecret('s', context);
    process.env[SECRET_KEY_ENV] = Buffer.alloc(32, 2).toString('base64url');
    await assert.rejects(openSecret(sealed, context));
    process.env[SECRET_KEY_ENV] = first;
    assert.equal(await openSecret(sealed, context), 's');
  });
});

describe('what is sealed', () => {
  it('is local:v1: then IV, ciphertext and tag in base64url; the IV 12 bytes, the tag 16', async () => {
    const sealed = await sealSecret('twelve chars', context);
    assert.ok(sealed.startsWith('local:v1:'));
    const parts = sealed.slice('local:v1:'.length).split('.');
    assert.equal(parts.length, 3);
    for (const part of parts) assert.match(part, /^[A-Za-z0-9_-]+$/);
    const [iv, body, tag] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
    assert.equal(iv.length, 12);
    assert.equal(body.length, Buffer.byteLength('twelve chars'));
    assert.equal(tag.length, 16);
  });

  it('opens non-ASCII text as it was', async () => {
    const secret = 'Grüße 東京 🚚';
    assert.equal(await openSecret(await sealSecret(secret, context), context), secret);
  });

  it('a value missing a part is malformed', async () => {
    const sealed = await sealSecret('s', context);
    const [iv, body] = sealed.slice('local:v1:'.length).split('.');
    for (const broken of [`local:v1:${iv}.${body}`, `local:v1:${iv}`])
      await assert.rejects(openSecret(broken, context), { message: 'Malformed sealed secret' }, broken);
    // An empty tag is present but useless: still refused (by the cipher, not as malformed).
    await assert.rejects(openSecret(`local:v1:${iv}.${body}.`, context));
  });

  it('an unknown prefix is refused as such, even one close to a known one', async () => {
    for (const sealed of ['local:v2:a.b.c', 'LOCAL:v1:a.b.c', 'kms:v2:abc', ''])
      await assert.rejects(openSecret(sealed, context), { message: 'Unknown sealed-secret format' }, sealed);
  });
});

describe('the context', () => {
  it('binds every pair: three pairs in any order open, a changed, missing or extra pair does not', async () => {
    const three = { tenantId: 'acme', sourceId: '01JSOURCE', kind: 'fulfilment' };
    const sealed = await sealSecret('s', three);
    for (const order of [
      { kind: 'fulfilment', sourceId: '01JSOURCE', tenantId: 'acme' },
      { sourceId: '01JSOURCE', tenantId: 'acme', kind: 'fulfilment' },
      { tenantId: 'acme', kind: 'fulfilment', sourceId: '01JSOURCE' },
    ])
      assert.equal(await openSecret(sealed, order), 's');
    await assert.rejects(openSecret(sealed, { ...three, kind: 'needs' }));
    await assert.rejects(openSecret(sealed, { tenantId: 'acme', sourceId: '01JSOURCE' }));
    await assert.rejects(openSecret(sealed, { ...three, extra: 'x' }));
    // A value and a name swapped are other pairs.
    await assert.rejects(openSecret(sealed, { tenantId: 'acme', sourceId: 'kind', fulfilment: '01JSOURCE' }));
  });

  it('an empty context is a context too: it opens only with an empty one', async () => {
    const sealed = await sealSecret('s', {});
    assert.equal(await openSecret(sealed, {}), 's');
    await assert.rejects(openSecret(sealed, { a: '' }));
  });
});
