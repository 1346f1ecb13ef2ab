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
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('does not charge the time the thread spent runnable but waiting for a CPU', async () => {
    stat(1_000_000, 5_000_000);
    const started = performance.now();
    const clock = startThreadClock(file);
    await pause(120);
    // Meanwhile the kernel saw the thread run 10 ms and wait 80 ms for a CPU.
    stat(11_000_000, 85_000_000);
    const wall = performance.now() - started;
    const charged = clock.elapsedMs();
    assert.ok(charged <= wall - 80 + 1, `charged ${charged} ms of ${wall} ms wall, 80 ms of which waiting`);
    assert.ok(charged >= wall - 80 - 25, `charged ${charged} ms: only the wait is taken off`);
    assert.equal(clock.cpuMs(), 10);
  });

  it('charges wall-clock time where the kernel does not report the thread', async () => {
    const clock = startThreadClock(undefined);
    await pause(50);
    assert.ok(clock.elapsedMs() >= 45);
  });

  it('reads this thread’s own figures from /proc', () => {
    const tid = currentThreadId();
    assert.ok(tid && tid > 0);
    const own = readSchedStat('/proc/thread-self/schedstat');
    assert.ok(own && own.runNs > 0 && own.waitNs >= 0);
  });
});
