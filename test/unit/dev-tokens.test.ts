import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  createVerifier,
  issueToken,
  MAX_DEV_TOKEN_SECONDS,
  newSigningKey,
} from '../../local/gateway/dev-tokens';

/** Development tokens are capped: a leaked one stops working within a week (`npm run token --expires-in`). */
describe('development token lifetime', () => {
  const request = { tenantId: 'acme', userId: 'ann', roles: ['admin' as const] };

  it('issues a token for the whole cap, which the twin accepts, and none a second longer', async () => {
    const key = await newSigningKey();
    const longest = await issueToken(key, { ...request, expiresInSeconds: MAX_DEV_TOKEN_SECONDS });
    const claims = await (await createVerifier(key))(longest);
    assert.equal(Number(claims.exp) - Number(claims.iat), MAX_DEV_TOKEN_SECONDS);
    assert.equal(MAX_DEV_TOKEN_SECONDS, 7 * 24 * 60 * 60);
    for (const expiresInSeconds of [MAX_DEV_TOKEN_SECONDS + 1, 10 * 365 * 24 * 60 * 60, 1.5, Number.NaN]) {
      await assert.rejects(
        issueToken(key, { ...request, expiresInSeconds }),
        new RangeError(`A development token lives at most ${MAX_DEV_TOKEN_SECONDS} seconds`),
      );
    }
  });

  it('defaults to 12 hours', async () => {
    const key = await newSigningKey();
    const claims = await (await createVerifier(key))(await issueToken(key, request));
    assert.equal(Number(claims.exp) - Number(claims.iat), 12 * 60 * 60);
  });
});
