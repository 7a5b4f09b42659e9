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
