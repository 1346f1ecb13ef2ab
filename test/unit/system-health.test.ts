import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { handler } from '../../functions/system/health';
import { invoke } from '../support/invoke';

/**
 * GET /health, called in-process with the event the HTTP API sends (the twin reaches it only in
 * its worker threads): the version it names is ORDERLY_VERSION, or `dev` when none is set.
 */
describe('GET /health', () => {
  const saved = process.env.ORDERLY_VERSION;
  afterEach(() => {
    if (saved === undefined) delete process.env.ORDERLY_VERSION;
    else process.env.ORDERLY_VERSION = saved;
  });

  it('answers 200 with status ok and version dev when no version is set', async () => {
    delete process.env.ORDERLY_VERSION;
    const result = await invoke(handler, { routeKey: 'GET /health' });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { status: 'ok', version: 'dev' });
  });

  it('names the deployed version when ORDERLY_VERSION is set', async () => {
    process.env.ORDERLY_VERSION = '1.4.2-abc1234';
    const result = await invoke(handler, { routeKey: 'GET /health' });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { status: 'ok', version: '1.4.2-abc1234' });
  });
});
