/** Node fires a `setTimeout` longer than 2^31-1 ms after 1 ms; this many seconds is the most it honours. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const MAX_TIMER_MS = MAX_TIMER_SECONDS * 1000;

/** Calls `fire` after `ms`, however long that is (in steps Node can time). Returns a cancel function. */
export function longTimeout(ms: number, fire: () => void): () => void {
  const due = Date.now() + ms;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = due - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fire, Math.max(0, left));
  };
  arm();
  return () => clearTimeout(timer);
}
