// The codes on screen: polls the shell (see poller.ts) and keeps the latest code of each
// account, keyed by id, with the moment they arrived (the countdown rings count from it).
import { codes as fetchCodes, type CodeView } from "./api";
import { isLockedOut, toAppError } from "./errors";
import { startPolling, type Poller } from "./poller";

export class CodeFeed {
  /** The latest code of each account, by account id. */
  codes = $state<Record<string, CodeView>>({});
  /** When `codes` arrived (ms since the epoch). */
  receivedAt = $state(0);
  #poller: Poller | undefined;
  readonly #onlocked: () => void;

  /** `onlocked`: the shell said the vault is locked (or gone). */
  constructor(onlocked: () => void) {
    this.#onlocked = onlocked;
  }

  start(): void {
    this.#poller = startPolling(
      fetchCodes,
      (list, at) => {
        const next: Record<string, CodeView> = {};
        for (const c of list) next[c.id] = c;
        this.codes = next;
        this.receivedAt = at;
        markFirstCodes();
      },
      (err) => {
        if (isLockedOut(toAppError(err))) this.#onlocked();
      },
    );
  }

  /** Polls now (e.g. after the account list changed). */
  refresh(): void {
    this.#poller?.refresh();
  }

  /** One account's new code (an HOTP counter stepped). */
  put(code: CodeView): void {
    this.codes = { ...this.codes, [code.id]: code };
  }

  /** Stops polling and forgets every code. */
  stop(): void {
    this.#poller?.stop();
    this.codes = {};
  }
}

/** Marks (once) the frame in which the first codes were painted: `make measure-app` reads the
 * mark to split launch time into the native start, the page load and Sesame's own work. */
function markFirstCodes(): void {
  if (typeof performance === "undefined" || performance.getEntriesByName(FIRST_CODES).length > 0) return;
  requestAnimationFrame(() => {
    if (performance.getEntriesByName(FIRST_CODES).length === 0) performance.mark(FIRST_CODES);
  });
}

const FIRST_CODES = "sesame:first-codes";
