import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { cancellationFor } from '../../functions/workflow/cancellation';
import { anOrder } from '../support/workflow-fixtures';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const lambdaError = (errorType: string, errorMessage: string) => ({
  Error: errorType,
  Cause: JSON.stringify({ errorType, errorMessage, trace: ['at secret/internal/path.js:1'] }),
});

describe('why compensation cancels an order', () => {
  it('names the person who asked to cancel, whatever error the workflow met on the way', () => {
    const order = anOrder({
      status: 'IN_FULFILMENT',
      cancelRequest: { reason: 'Ordered twice', by: 'sam', at: '2026-03-02T08:00:00.000Z' },
    });
    const cancelled = { Error: 'OrderCancelled', Cause: '{"code":"order-cancelled"}' };
    assert.deepEqual(cancellationFor(order, cancelled, NOW), {
      code: 'CANCELLED_BY_USER',
      reason: 'Ordered twice',
      by: { type: 'user', id: 'sam' },
      at: NOW.toISOString(),
    });
    assert.equal(
      cancellationFor(order, lambdaError('InsufficientStock', 'Not enough'), NOW).code,
      'CANCELLED_BY_USER',
    );
  });

  it('passes on the partner’s reason for a fulfilment failure from the order, never from the task’s cause', () => {
    const reported = anOrder({
      status: 'IN_FULFILMENT',
      fulfilmentFailure: { reason: 'Machine broken', by: 'partner-1', at: '2026-03-02T08:00:00.000Z' },
    });
    const failed = { Error: 'FulfilmentFailed', Cause: '{"code":"fulfilment-failed"}' };
    const fromOrder = cancellationFor(reported, failed, NOW);
    assert.deepEqual(
      [fromOrder.code, fromOrder.reason],
      ['FULFILMENT_FAILED', 'The fulfilment partner cannot fulfil the order: Machine broken'],
    );
    // A task failure's cause is a code: it is not a reason, and text there is not passed on.
    for (const Cause of ['{"code":"fulfilment-failed"}', 'Out of material']) {
      const fromError = cancellationFor(
        anOrder({ status: 'IN_FULFILMENT' }),
        { Error: 'FulfilmentFailed', Cause },
        NOW,
      );
      assert.equal(fromError.reason, 'The fulfilment partner cannot fulfil the order.');
    }
  });

  it('explains insufficient stock with the task’s own message, naming the SKUs', () => {
    const result = cancellationFor(
      anOrder({ status: 'APPROVED' }),
      lambdaError('InsufficientStock', 'Not enough stock available for SCARCE.'),
      NOW,
    );
    assert.deepEqual(
      [result.code, result.reason, result.by],
      ['INSUFFICIENT_STOCK', 'Not enough stock available for SCARCE.', { type: 'system', id: 'workflow' }],
    );
  });

  it('reads a task’s message through whitespace around its cause; no cause, or no message, gives the default', () => {
    const stock = (caught: { Error: string; Cause?: string }) =>
      cancellationFor(anOrder({ status: 'APPROVED' }), caught, NOW).reason;
    const cause = JSON.stringify({ errorType: 'InsufficientStock', errorMessage: 'Not enough SCARCE.' });
    assert.equal(stock({ Error: 'InsufficientStock', Cause: `\n  ${cause} ` }), 'Not enough SCARCE.');
    const fallback = 'Not enough stock was available for every line of the order.';
    assert.equal(stock({ Error: 'InsufficientStock' }), fallback);
    assert.equal(stock({ Error: 'InsufficientStock', Cause: '{"errorMessage":""}' }), fallback);
    assert.equal(stock({ Error: 'InsufficientStock', Cause: '{"errorMessage":' }), fallback);
  });

  it('tells an expired approval from the mark EscalateApproval left on the order', () => {
    const order = {
      ...anOrder({ status: 'PENDING_APPROVAL' }),
      approvalExpired: { at: '2026-03-02T08:00:00.000Z', level: 1, role: 'admin', escalations: 2 },
    };
    const result = cancellationFor(order, undefined, NOW);
    assert.equal(result.code, 'APPROVAL_EXPIRED');
    assert.match(result.reason, /level 1 .* 2 escalation/);
  });

  it('treats a shipment that never came as a fulfilment failure, requested or still being requested', () => {
    // STOCK_RESERVED: the time ran out before RequestFulfilment had recorded the request.
    for (const status of ['STOCK_RESERVED', 'IN_FULFILMENT'] as const) {
      const result = cancellationFor(anOrder({ status }), { Error: 'States.Timeout', Cause: '' }, NOW);
      assert.deepEqual(
        { code: result.code, reason: result.reason },
        { code: 'FULFILMENT_FAILED', reason: 'The fulfilment partner did not report a shipment in time.' },
        status,
      );
    }
  });

  it('calls anything else a processing error, without internals', () => {
    for (const caught of [
      lambdaError('TypeError', 'Cannot read properties of undefined (reading "pk") at /var/task/index.js'),
      lambdaError('TransientError', 'A retry may succeed (ThrottlingException).'),
      { Error: 'States.Timeout', Cause: 'Task timed out' },
      undefined,
    ]) {
      const result = cancellationFor(anOrder({ status: 'APPROVED' }), caught, NOW);
      assert.equal(result.code, 'PROCESSING_ERROR');
      assert.doesNotMatch(result.reason, /undefined|index\.js|Throttling|Timeout/);
    }
  });
});
