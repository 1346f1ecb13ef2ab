import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createOrder, getOrder } from '../../functions/orders/operations';
import { httpHandler } from '../../functions/shared/http/handler';
import { publicHandler } from '../../functions/shared/http/public-handler';
import { json } from '../../functions/shared/http/response';
import { health } from '../../functions/system/operations';

/** Mistakes in wiring a handler fail when its module loads, not on the first request. */
describe('handler wiring', () => {
  const run = async () => json(200, {});

  it('a public operation needs publicHandler, a private one httpHandler', () => {
    assert.throws(() => httpHandler(health, run), /health is public: use publicHandler/);
    assert.throws(() => publicHandler(getOrder, async () => ({ statusCode: 200 })), /getOrder is not public/);
  });

  it('an idempotent operation needs a replay for its retries', () => {
    assert.throws(() => httpHandler(createOrder, run), /createOrder is idempotent: give it a replay/);
    assert.equal(typeof httpHandler(createOrder, run, { replay: run }), 'function');
  });
});
