import assert from 'node:assert/strict';
import { afterEach, describe, it, vi } from 'vitest';
import { afterCommit } from '../../functions/shared/faults';

/**
 * The fault points the twin's failure tests use. A test process cannot exit or hang for real,
 * so `process.exit` is replaced and the timers are fake; the e2e tests run the real thing.
 */
describe('fault injection (ORDERLY_FAULTS)', () => {
  afterEach(() => {
    delete process.env.ORDERLY_FAULTS;
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  const exits = () => vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);

  it('does nothing without the variable, for another operation, at rate 0 or for a malformed entry', async () => {
    const exit = exits();
    await afterCommit('createOrder');
    process.env.ORDERLY_FAULTS =
      'createCustomer:after-commit, createOrder:after-commit@0, nonsense, x:explode';
    await afterCommit('createOrder');
    assert.equal(exit.mock.calls.length, 0);
  });

  it('after-commit ends the process; a rate of 1 always, the default rate is 1', async () => {
    const exit = exits();
    process.env.ORDERLY_FAULTS = 'createOrder:after-commit';
    await afterCommit('createOrder');
    process.env.ORDERLY_FAULTS = 'createOrder:after-commit@1';
    await afterCommit('createOrder');
    assert.deepEqual(exit.mock.calls, [[1], [1]]);
  });

  it('timeout hangs far past any function time limit (15 minutes)', async () => {
    vi.useFakeTimers();
    process.env.ORDERLY_FAULTS = 'createOrder:timeout@1.0';
    let done = false;
    const hung = afterCommit('createOrder').then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(14 * 60 * 1000);
    assert.equal(done, false);
    await vi.advanceTimersByTimeAsync(60 * 1000);
    await hung;
    assert.equal(done, true);
  });
});
