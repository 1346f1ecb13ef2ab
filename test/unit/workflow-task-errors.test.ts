import assert from 'node:assert/strict';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, it } from 'vitest';
import { OrderChangedError } from '../../functions/orders/errors';
import { TransitionCancelledError } from '../../functions/orders/store';
import { asTaskError } from '../../functions/shared/task/handler';
import { insufficientStock, WorkflowError } from '../../functions/workflow/errors';

/** The names the definition's Retry and Catch match on. */
const named = (error: unknown) => asTaskError(error).name;

const throttled = () => {
  const error = new Error('Rate exceeded');
  error.name = 'ThrottlingException';
  return error;
};

describe('task errors as the workflow sees them', () => {
  it('calls what a retry may cure TransientError', () => {
    assert.equal(named(throttled()), 'TransientError');
    assert.equal(named(new OrderChangedError('o1')), 'TransientError');
    assert.equal(
      named(new TransitionCancelledError([undefined, undefined, 'TransactionConflict'], 'o-1')),
      'TransientError',
    );
    assert.equal(
      named(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
        }),
      ),
      'TransientError',
    );
    assert.doesNotMatch(asTaskError(throttled()).message, /Rate exceeded/, 'no internals in the cause');
  });

  it('keeps the workflow’s own named errors and any other error as they are', () => {
    assert.equal(named(insufficientStock(['A'])), 'InsufficientStock');
    assert.equal(named(new WorkflowError('OrderCancelled', 'x')), 'OrderCancelled');
    assert.equal(
      named(new TransitionCancelledError([undefined, undefined, 'ConditionalCheckFailed'], 'o-1')),
      'TransitionCancelledError',
    );
    assert.equal(named(new TypeError('boom')), 'TypeError');
  });
});
