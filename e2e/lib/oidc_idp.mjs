// A real OpenID Connect provider on loopback, the federated identity provider of the hosted
// sign-in tests: PyPI `oidc-provider-mock` from the virtualenv scripts/oidc-idp-venv makes
// (OIDC_IDP_VENV overrides; the Rust tests use the same one), with one user. Its sign-in page
// is a form whose `sub` field names the user.
import { spawn, execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./net.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const venv = process.env.OIDC_IDP_VENV ?? resolve(here, "../../target/oidc-idp-venv");

/** Starts the provider with the user `claims` (with `sub`); resolves once it serves its discovery document. */
export async function startOidcIdp(claims) {
  execFileSync(resolve(here, "../../scripts/oidc-idp-venv"), { env: { ...process.env, OIDC_IDP_VENV: venv }, stdio: "inherit" });
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  let log = "";
  const child = spawn(`${venv}/bin/oidc-provider-mock`, ["--host", "127.0.0.1", "--port", String(port), "--user-claims", JSON.stringify(claims)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr.on("data", (d) => (log += d));
  let exited = false;
  child.once("exit", () => (exited = true));
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) break;
    } catch {
      // not up yet
    }
    if (exited || Date.now() - started > 30_000) {
      child.kill();
      throw new Error(`oidc-provider-mock did not start; its log:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { issuer, log: () => log, stop: () => child.kill() };
}
