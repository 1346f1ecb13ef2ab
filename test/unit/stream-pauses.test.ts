import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import { Pauses } from '../../local/streams/pauses';

/** The poller's waits on a fake clock: which have ended after how long. */
describe('the stream poller’s waits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const track = (promise: Promise<void>) => {
    const state = { ended: false };
    promise.then(() => {
      state.ended = true;
    });
    return state;
  };

  it('shorten ends a longer wait of its kind that long after the wait began, and leaves others alone', async () => {
    const pauses = new Pauses();
    const longPoll = track(pauses.sleep(2_000, 'poll'));
    const shortPoll = track(pauses.sleep(100, 'poll'));
    const list = track(pauses.sleep(2_000, 'list'));
    await vi.advanceTimersByTimeAsync(100);
    pauses.shorten(250, 'poll');
    await vi.advanceTimersByTimeAsync(149);
    assert.deepEqual([longPoll.ended, shortPoll.ended, list.ended], [false, true, false]);
    await vi.advanceTimersByTimeAsync(1);
    assert.deepEqual([longPoll.ended, list.ended], [true, false]);
    await vi.advanceTimersByTimeAsync(1_750);
    assert.equal(list.ended, true);
  });

  it('a wait already past the shortened length ends at once', async () => {
    const pauses = new Pauses();
    const poll = track(pauses.sleep(2_000, 'poll'));
    await vi.advanceTimersByTimeAsync(400);
    pauses.shorten(250, 'poll');
    await vi.advanceTimersByTimeAsync(0);
    assert.equal(poll.ended, true);
  });

  it('stop ends every wait, shortened or not, and later waits end at once', async () => {
    const pauses = new Pauses();
    const poll = track(pauses.sleep(2_000, 'poll'));
    const backoff = track(pauses.sleep(60_000, 'backoff'));
    pauses.shorten(250, 'poll');
    pauses.stop();
    await vi.advanceTimersByTimeAsync(0);
    assert.deepEqual([poll.ended, backoff.ended], [true, true]);
    const later = track(pauses.sleep(1_000, 'poll'));
    await vi.advanceTimersByTimeAsync(0);
    assert.equal(later.ended, true);
    assert.equal(vi.getTimerCount(), 0);
  });
});
