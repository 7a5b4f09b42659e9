/**
 * Calls `fn` at most once per `intervalMs`: the first call runs at once, the calls that
 * follow within the interval are dropped. `now` is injectable for tests.
 */
export function throttle(fn: () => void, intervalMs: number, now: () => number = Date.now): () => void {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last >= intervalMs) {
      last = t;
      fn();
    }
  };
}
