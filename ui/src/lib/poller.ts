// Asks the shell for fresh codes about once a second, and right after a code expires.
import type { CodeView } from "./api";
import { nextPollDelay } from "./countdown";

export interface Poller {
  stop(): void;
  /** Polls now (e.g. after an account was added), then keeps the usual rhythm. */
  refresh(): void;
}

export function startPolling(
  fetchCodes: () => Promise<CodeView[]>,
  onCodes: (codes: CodeView[], receivedAt: number) => void,
  onError: (e: unknown) => void,
  opts: { now?: () => number; hidden?: () => boolean } = {},
): Poller {
  const now = opts.now ?? (() => Date.now());
  const hidden = opts.hidden ?? (() => typeof document !== "undefined" && document.hidden);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;

  function schedule(ms: number) {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(tick, ms);
  }

  async function tick() {
    if (stopped || inFlight) return;
    if (hidden()) {
      // Nothing to see: check again in a second, without bothering the shell.
      schedule(1000);
      return;
    }
    inFlight = true;
    let delay = 1000;
    try {
      const codes = await fetchCodes();
      if (stopped) return;
      const at = now();
      onCodes(codes, at);
      delay = nextPollDelay(
        codes.map((c) => c.valid_for_ms),
        at,
      );
    } catch (e) {
      if (!stopped) onError(e);
    } finally {
      inFlight = false;
    }
    schedule(delay);
  }

  void tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    refresh() {
      if (!inFlight) {
        clearTimeout(timer);
        void tick();
      }
    },
  };
}
