import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { OrderChangedError } from '../../functions/orders/errors';
import { TransitionCancelledError, withOrderRetry } from '../../functions/orders/store';
import { problemFromError } from '../../functions/shared/http/problem';
import { asTaskError } from '../../functions/shared/task/handler';

/**
 * withOrderRetry on its own: which failures it tries again, and what its caller gets when the
 * retries run out. The transactions themselves are exercised against DynamoDB Local elsewhere
 * (credit-races, stock races); here the attempt is a function that fails as they fail, so that
 * running out of retries happens on demand.
 */
const held = () => new TransitionCancelledError([undefined, undefined, 'TransactionConflict'], 'o-7');

/** An attempt that fails with `error()` the first `failures` times, then answers 'done'. */
function failing(failures: number, error: () => Error) {
  let calls = 0;
  const attempt = async () => {
    calls++;
    if (calls <= failures) throw error();
    return 'done';
  };
  return { attempt, calls: () => calls };
}

describe('withOrderRetry', () => {
  it('tries again while another transaction holds an item or the order changed, up to five attempts', async () => {
    for (const error of [held, () => new OrderChangedError('o-7')]) {
      const run = failing(4, error);
      assert.equal(await withOrderRetry(run.attempt), 'done');
      assert.equal(run.calls(), 5);
    }
  });

  it('answers a held item that outlasts the retries as a changed order: 409, retry; TransientError in a task', async () => {
    const run = failing(Number.POSITIVE_INFINITY, held);
    const error = await withOrderRetry(run.attempt).catch((e: unknown) => e);
    assert.equal(run.calls(), 5);
    assert.ok(error instanceof OrderChangedError);
    const { problem } = problemFromError(error);
    assert.equal(problem.status, 409);
    assert.equal(problem.type, 'urn:orderly:problem:order-changed');
    assert.equal(
      problem.detail,
      "Order 'o-7' could not be changed: other requests kept writing the stock or customer it needs; retry.",
    );
    assert.equal(asTaskError(error).name, 'TransientError');
  });

  it('passes a changed order that outlasts the retries on as it is', async () => {
    const changed = new OrderChangedError('o-7');
    const run = failing(Number.POSITIVE_INFINITY, () => changed);
    assert.equal(await withOrderRetry(run.attempt, 3).catch((e: unknown) => e), changed);
    assert.equal(run.calls(), 3);
  });

  it('does not retry what a retry cannot cure: a cancelled condition, or any other error', async () => {
    const short = () => new TransitionCancelledError([undefined, undefined, 'ConditionalCheckFailed'], 'o-7');
    for (const error of [short, () => new Error('boom')]) {
      const run = failing(Number.POSITIVE_INFINITY, error);
      const thrown = await withOrderRetry(run.attempt).catch((e: unknown) => e);
      assert.equal(run.calls(), 1);
      assert.equal((thrown as Error).message, error().message);
      assert.ok(!(thrown instanceof OrderChangedError));
    }
  });
});
