// Loopback helpers shared by the e2e libraries and tests.
import { createServer } from "node:net";

/** A TCP port on 127.0.0.1 that nothing listens on at the time of asking. */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Whether `url` answers with a 2xx status (false while nothing listens there). */
export async function answersOk(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/**
 * Waits until `healthy()` says yes for the process `child` just started. If it exits first or
 * 30 s pass, kills it and throws "`what` did not start" with `log()` (what it wrote).
 */
export async function untilHealthy(child, healthy, what, log) {
  let exited = false;
  child.once("exit", () => (exited = true));
  const started = Date.now();
  while (!(await healthy())) {
    if (exited || Date.now() - started > 30_000) {
      child.kill();
      throw new Error(`${what} did not start; its log:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
