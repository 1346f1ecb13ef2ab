import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { post, refusalOf } from '../../functions/webhooks/delivery/send';
import { ALLOW_PRIVATE_WEBHOOK_URLS_ENV } from '../../functions/webhooks/url-policy';

/**
 * What a delivery refuses to connect to before any socket opens (`refusalOf`, checked by `post`):
 * in AWS mode (private URLs not allowed) plain http is never delivered to, whatever the host.
 */
describe('URLs a delivery refuses to connect to', () => {
  const saved = process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV];
  const awsMode = () => delete process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV];
    else process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = saved;
  });

  it('in AWS mode, refuses plain http even to a public host, and lets https to a public host through', () => {
    awsMode();
    for (const url of ['http://8.8.8.8/hooks', 'http://example.com/hooks', 'http://[2606:4700:4700::1111]/'])
      assert.equal(refusalOf(new URL(url)), 'refused: only https URLs are delivered to', url);
    for (const url of [
      'https://8.8.8.8/hooks',
      'https://example.com:8443/hooks?x=1',
      'https://[2606:4700:4700::1111]/',
    ])
      assert.equal(refusalOf(new URL(url)), undefined, url);
    assert.equal(refusalOf(new URL('https://10.1.2.3/hooks')), 'refused: 10.1.2.3 is not a public address');
  });

  it('in AWS mode, an attempt to a plain http URL fails with that refusal, connecting to nothing', async () => {
    awsMode();
    const attempt = await post('http://8.8.8.8/hooks', {}, '{}', 1000);
    assert.deepEqual(Object.keys(attempt).sort(), ['at', 'durationMs', 'error']);
    assert.equal(attempt.error, 'refused: only https URLs are delivered to');
  });

  it('in the twin, lets plain http through', () => {
    process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
    assert.equal(refusalOf(new URL('http://8.8.8.8/hooks')), undefined);
    assert.equal(refusalOf(new URL('http://127.0.0.1:8080/hooks')), undefined);
  });
});
