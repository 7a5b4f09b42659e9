// A real OpenID Connect provider on loopback, the federated identity provider of the hosted
// sign-in tests: PyPI `oidc-provider-mock` from the virtualenv scripts/oidc-idp-venv makes
// (OIDC_IDP_VENV overrides; the Rust tests use the same one), with one user. Its sign-in page
// is a form whose `sub` field names the user.
import { spawn, execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { answersOk, freePort, untilHealthy } from "./net.mjs";

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
  await untilHealthy(child, () => answersOk(`${issuer}/.well-known/openid-configuration`), "oidc-provider-mock", () => log);
  return { issuer, log: () => log, stop: () => child.kill() };
}
