import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * Whether a process still runs: alive and not a zombie. A zombie holds no port and no file; it
 * only waits for its parent to collect its status, and an orphan's parent may be an init that
 * never does (this VM's). A process whose first thread has ended shows as a zombie while its
 * other threads still run (a JVM shutting down): any thread not ended counts.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // Without /proc (macOS), a live pid is taken as running.
  if (!existsSync('/proc/self/task')) return true;
  try {
    return readdirSync(`/proc/${pid}/task`).some((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return !'ZX'.includes(stat.slice(stat.lastIndexOf(')') + 2)[0] ?? 'X');
    });
  } catch {
    return false;
  }
}
