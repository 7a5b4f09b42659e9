// A fake Tauri shell for component tests: answers commands from a table and records
// every call, through Tauri's own mockIPC (so the real generated wrappers'
// invoke path is used). Handlers are typed by the generated `Commands`.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { AccountView, CodeView, CommandName, Commands } from "./lib/api";

export type Handler = (args: Record<string, unknown>) => unknown;

/** Answers for the commands a test drives, each with the generated types of its command
 *  (plugin commands, such as the file dialogs, untyped). */
export type Handlers = {
  [C in CommandName]?: (args: Commands[C]["args"]) => Commands[C]["result"] | Promise<Commands[C]["result"]>;
} & { [plugin: `plugin:${string}`]: Handler };

export interface FakeShell {
  calls: Array<{ cmd: string; args: Record<string, unknown> }>;
  /** The arguments of every call of `cmd`. */
  argsOf(cmd: string): Array<Record<string, unknown>>;
}

export function fakeShell(handlers: Handlers, opts: { events?: boolean } = {}): FakeShell {
  const calls: FakeShell["calls"] = [];
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const h = (handlers as Record<string, Handler | undefined>)[cmd];
      if (!h) return Promise.reject({ kind: "internal", message: `unexpected command ${cmd}` });
      return h(args);
    },
    { shouldMockEvents: opts.events ?? false },
  );
  return {
    calls,
    argsOf: (cmd) => calls.filter((c) => c.cmd === cmd).map((c) => c.args),
  };
}

export const reject = (kind: string, message: string) => () => Promise.reject({ kind, message });

export function accountView(id: string, issuer: string | null, name: string, extra: Partial<AccountView> = {}): AccountView {
  return {
    id,
    issuer,
    name,
    kind: "totp",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    counter: null,
    icon: null,
    tags: [],
    note: null,
    can_compute: true,
    ...extra,
  };
}

export function codeView(id: string, code: string, extra: Partial<CodeView> = {}): CodeView {
  return { id, code, next_code: "000000", valid_for_ms: 20_000, period_ms: 30_000, ...extra };
}
