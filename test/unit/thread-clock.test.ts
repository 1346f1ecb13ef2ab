import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { currentThreadId, readSchedStat, startThreadClock } from '../../local/lambda/thread-clock';

/** The twin's time-limit rule: wall-clock time minus the time the thread waited for a CPU. */
describe('the thread clock of the twin’s time limits', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'schedstat-')), 'schedstat');
  const stat = (runNs: number, waitNs: number) => writeFileSync(file, `${runNs} ${waitNs} 7\n`);
  let wall = 0;
  const now = () => wall;

  it('does not charge the time the thread spent runnable but waiting for a CPU', () => {
    stat(1_000_000, 5_000_000);
    wall = 1_000;
    const clock = startThreadClock(file, now);
    // 120 ms later the kernel has seen the thread run 10 ms and wait 80 ms for a CPU.
    wall = 1_120;
    stat(11_000_000, 85_000_000);
    assert.equal(clock.elapsedMs(), 40, '120 ms of wall clock, 80 of them waiting for a CPU');
    assert.equal(clock.cpuMs(), 10);
  });

  it('charges every millisecond the thread was not kept from a CPU: computing or waiting on I/O', () => {
    stat(0, 0);
    wall = 0;
    const clock = startThreadClock(file, now);
    wall = 1_500;
    stat(200_000_000, 0);
    assert.equal(clock.elapsedMs(), 1_500);
  });

  it('charges wall-clock time where the kernel does not report the thread', () => {
    wall = 0;
    const clock = startThreadClock(undefined, now);
    wall = 50;
    assert.equal(clock.elapsedMs(), 50);
    assert.equal(startThreadClock(join(tmpdir(), 'no-such-schedstat'), now).elapsedMs(), 0);
  });

  it('reads this thread’s own figures from /proc', () => {
    const tid = currentThreadId();
    assert.ok(tid && tid > 0);
    const own = readSchedStat('/proc/thread-self/schedstat');
    assert.ok(own && own.runNs > 0 && own.waitNs >= 0);
  });
});
