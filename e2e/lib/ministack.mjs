// The Cognito emulator for the end-to-end tests: PyPI `ministack` from the virtualenv that
// `make test` creates (scripts/ministack-venv; MINISTACK_VENV overrides), started with
// AUTH=true on a free loopback port, administered with botocore (lib/cognito_admin.py).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, untilHealthy } from "./net.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const venv = process.env.MINISTACK_VENV ?? resolve(here, "../../target/ministack-venv");

async function healthy(endpoint) {
  try {
    const answer = await fetch(`${endpoint}/_ministack/health`);
    return answer.ok && (await answer.text()).includes('"cognito-idp": "available"');
  } catch {
    return false;
  }
}

/** Starts ministack; resolves when its health check says Cognito is available. */
export async function startMinistack() {
  const dir = mkdtempSync(join(process.env.E2E_SCRATCH ?? tmpdir(), "ministack-"));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = join(dir, "ministack.log");
  const env = { ...process.env };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
  const child = spawn(join(venv, "bin/ministack"), [], {
    env: {
      ...env,
      AUTH: "true",
      SERVICES: "cognito-idp",
      IOT_MTLS_ENABLED: "0",
      BIND_HOST: "127.0.0.1",
      GATEWAY_PORT: String(port),
      STATE_DIR: join(dir, "state"),
      MINISTACK_HOST: "127.0.0.1",
    },
    stdio: ["ignore", "ignore", openSync(log, "w")],
  });
  await untilHealthy(child, () => healthy(endpoint), `ministack (venv ${venv})`, () => readFileSync(log, "utf8"));
  const admin = (...args) =>
    JSON.parse(execFileSync(join(venv, "bin/python"), [join(here, "cognito_admin.py"), endpoint, ...args], {
      encoding: "utf8",
      timeout: 30_000,
    }));
  return {
    endpoint,
    /** A user pool (MFA off, optional or required) and a public app client. */
    createPool: (mfa = "optional") => admin("create-pool", mfa),
    /** The user's MFA settings as the pool's administrator sees them. */
    userMfa: (poolId, username) => admin("user-mfa", poolId, username),
    /**
     * A pool whose app client signs in through the hosted page, answered at
     * http://127.0.0.1:PORT/callback; with `provider` ({ name, issuer }), an OpenID provider too.
     */
    createHostedPool: (port, provider) =>
      admin("hosted-pool", String(port), ...(provider ? [provider.name, provider.issuer] : [])),
    /** A user who signs in with `password` at once. */
    confirmedUser: (poolId, username, password, email) => admin("confirmed-user", poolId, username, password, email),
    /** A user made by the administrator, with a temporary password. */
    inviteUser: (poolId, username, temporary, email) => admin("invite-user", poolId, username, temporary, email),
    /** A confirmed user with a permanent password. */
    createUser: (poolId, username, password) => admin("create-user", poolId, username, password),
    log: () => readFileSync(log, "utf8"),
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
