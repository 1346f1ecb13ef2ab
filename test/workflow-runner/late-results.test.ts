import assert from 'node:assert/strict';
import { describe, it, onTestFinished, vi } from 'vitest';
import { runnerFor } from './fakes';

/**
 * A task's result that arrives after its TimeoutSeconds is discarded, as AWS discards it. The
 * States.Timeout error is built asynchronously — on its first use in a process, from a probe run
 * of the library (local/workflow/errors.ts) — so a result can arrive after the timer fired and
 * before the error is ready. This file's test must be the first in its process to time a task
 * out, and fakes setTimeout so that the result lands exactly in that window.
 */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('workflow runner: a result after the timeout', () => {
  it('fails the state with States.Timeout even when the result arrives before the timeout error is ready', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    let answer: (value: unknown) => void = () => {};
    const { runner, calls } = runnerFor('late-result', {
      quote: () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    });
    onTestFinished(() => runner.stop());
    await runner.port.startExecution({ stateMachine: 'orderLifecycle', name: 'quote-1', input: {} });
    while (calls.length === 0) await turns(1);

    // The state's one second passes: its timer fires, and the runner starts building the error.
    vi.advanceTimersByTime(1000);
    answer({ price: 5 });
    await turns(20);
    // The probe run that builds the error takes a millisecond of (fake) time.
    await vi.advanceTimersByTimeAsync(100);

    const done = await runner.waitForExecution('quote-1');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.Timeout');
    assert.equal(done.output, undefined);
  });
});
