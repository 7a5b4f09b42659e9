// Cognito in the app, against the real emulator: configure a pool, sign up and confirm,
// a wrong password refused, sign in, make Sesame the user's authenticator, sign out, then
// sign in again with the MFA challenge answered from the vault with one click (after a
// wrong code is refused), refresh the tokens and sign out. Then a user an administrator
// invited, who must choose a new password at the first sign-in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, shown, click, type, screenshot, waitForRow, cli, byTestId } from "../lib/app.mjs";
import { startMinistack } from "../lib/ministack.mjs";

const VAULT_PASSWORD = "cognito e2e vault 7";
const USER = "erin";
const EMAIL = "erin@example.com";
const USER_PASSWORD = "Sesame-e2e-Passw0rd!";
// ministack's fixed sign-up confirmation code.
const CONFIRMATION_CODE = "123456";

let app;
let cognito;
let pool;

before(async () => {
  cognito = await startMinistack();
  pool = cognito.createPool("optional");
  app = await launch();
});

after(async () => {
  await app?.deleteSession().catch(() => {});
  cognito?.stop();
});

/** The notice the dialog shows after a step, once it says `pattern`. */
async function notice(pattern) {
  const el = await shown(app, "cognito-notice", 30_000);
  await app.waitUntil(async () => pattern.test(await el.getText()), {
    timeout: 30_000,
    timeoutMsg: `the notice never said ${pattern}`,
  });
  return el.getText();
}

/** The error shown in the dialog, once there is one. */
async function errorText() {
  const el = await shown(app, "error", 30_000);
  return el.getText();
}

async function signIn(password, username = USER) {
  await type(app, "cognito-username", username);
  await type(app, "cognito-password", password);
  await click(app, "cognito-sign-in");
}

test("a new vault, then the Cognito pool is configured", async () => {
  await shown(app, "setup-password", 30_000);
  await type(app, "setup-password", VAULT_PASSWORD);
  await type(app, "setup-password-confirm", VAULT_PASSWORD);
  await click(app, "setup-create");
  await shown(app, "empty-state", 30_000);

  await click(app, "cognito-button");
  await type(app, "cognito-region", pool.region);
  await type(app, "cognito-pool-id", pool.pool_id);
  await type(app, "cognito-client-id", pool.client_id);
  await type(app, "cognito-endpoint", cognito.endpoint);
  await screenshot(app, "cognito-01-configure");
  await click(app, "cognito-save-config");
  await notice(/user pool saved/i);
  await shown(app, "cognito-username");
});

test("sign up and confirm with the emailed code", async () => {
  await click(app, "cognito-show-sign-up");
  await type(app, "cognito-signup-username", USER);
  await type(app, "cognito-signup-email", EMAIL);
  await type(app, "cognito-signup-password", USER_PASSWORD);
  await screenshot(app, "cognito-02-sign-up");
  await click(app, "cognito-signup-submit");
  await notice(/confirmation code was sent/i);
  await type(app, "cognito-confirm-code", CONFIRMATION_CODE);
  await screenshot(app, "cognito-03-confirm");
  await click(app, "cognito-confirm-submit");
  await notice(/confirmed/i);
});

test("a wrong password is refused, the right one signs in with verified claims", async () => {
  await signIn("not the password 1A!");
  assert.match(await errorText(), /incorrect username or password/i);
  await screenshot(app, "cognito-04-wrong-password");
  await signIn(USER_PASSWORD);
  const who = await shown(app, "cognito-identity-username", 30_000);
  assert.equal(await who.getText(), USER);
  // The email comes from the ID token's claims, verified by the shell against the JWKS.
  const email = await shown(app, "cognito-identity-email", 30_000);
  assert.equal(await email.getText(), EMAIL);
  assert.match(await (await shown(app, "cognito-identity-mfa")).getText(), /not with sesame/i);
  await screenshot(app, "cognito-05-signed-in");
});

test("Sesame becomes the user's authenticator app", async () => {
  await click(app, "cognito-enable-mfa");
  await notice(/now this user's authenticator/i);
  assert.match(await (await shown(app, "cognito-identity-mfa")).getText(), /sesame is the authenticator/i);
  await screenshot(app, "cognito-06-mfa-on");
  // The pool now requires Sesame's codes for this user.
  const settings = cognito.userMfa(pool.pool_id, USER);
  assert.deepEqual(settings.mfa, ["SOFTWARE_TOKEN_MFA"]);
  assert.equal(settings.preferred, "SOFTWARE_TOKEN_MFA");
  // ...and the authenticator is an account in the vault, with its codes on the list.
  await click(app, "cognito-close");
  const row = await waitForRow(app, `Cognito (${pool.pool_id})`);
  assert.equal(row.name, USER);
  assert.match(row.code ?? "", /^\d{3} \d{3}$/);
  await screenshot(app, "cognito-07-authenticator-account");
});

test("sign out, then sign in again answered from the vault", async () => {
  await click(app, "cognito-button");
  await click(app, "cognito-sign-out");
  await notice(/signed out/i);
  await signIn(USER_PASSWORD);
  await shown(app, "cognito-mfa-from-vault", 30_000);
  await screenshot(app, "cognito-08-mfa-challenge");

  // A wrong code is refused and the sign-in waits for another answer. The wrong code is
  // the current one shifted, so it cannot pass by chance (Cognito accepts one step around).
  const codes = cli(["codes", "--json", "--password-stdin"], `${VAULT_PASSWORD}\n`)
    .split("\n").map((line) => JSON.parse(line));
  const current = codes.find((c) => c.issuer === `Cognito (${pool.pool_id})`);
  assert.ok(current, "the CLI sees the authenticator account");
  const wrong = String((Number(current.code) + 500_000) % 1_000_000).padStart(6, "0");
  await type(app, "cognito-mfa-code", wrong);
  await click(app, "cognito-mfa-submit");
  assert.match(await errorText(), /code is not right/i);

  await click(app, "cognito-mfa-from-vault");
  const who = await shown(app, "cognito-identity-username", 30_000);
  assert.equal(await who.getText(), USER);
  assert.match(await (await shown(app, "cognito-identity-mfa")).getText(), /sesame is the authenticator/i);
  await screenshot(app, "cognito-09-signed-in-with-mfa");
});

test("tokens refresh; signing out ends the session", async () => {
  await click(app, "cognito-refresh");
  await notice(/tokens refreshed/i);
  assert.match(await (await shown(app, "cognito-identity-expiry")).getText(), /in \d+ (min|h)/);
  await click(app, "cognito-sign-out");
  await notice(/signed out/i);
  assert.equal(await byTestId(app, "cognito-identity").isExisting(), false);
  await screenshot(app, "cognito-10-signed-out");
});

test("an invited user chooses a new password at the first sign-in", async () => {
  // ministack asks invited users for a new password, but never sends MFA_SETUP (that step
  // is covered against the emulator behind a proxy in tests/cognito.rs, and in Vitest).
  const other = cognito.createPool("optional");
  cognito.inviteUser(other.pool_id, "frank", "Temporary-Passw0rd!", "frank@example.com");
  await click(app, "cognito-show-config");
  await type(app, "cognito-pool-id", other.pool_id);
  await type(app, "cognito-client-id", other.client_id);
  await click(app, "cognito-save-config");
  await notice(/user pool saved/i);

  await signIn("Temporary-Passw0rd!", "frank");
  await type(app, "cognito-new-password", "Franks-Own-Passw0rd!");
  await screenshot(app, "cognito-11-new-password");
  await click(app, "cognito-new-password-submit");
  const who = await shown(app, "cognito-identity-username", 30_000);
  assert.equal(await who.getText(), "frank");
  assert.equal(await (await shown(app, "cognito-identity-email", 30_000)).getText(), "frank@example.com");
  await screenshot(app, "cognito-12-new-password-signed-in");

  // The temporary password no longer works; the new one does.
  await click(app, "cognito-sign-out");
  await notice(/signed out/i);
  await signIn("Temporary-Passw0rd!", "frank");
  assert.match(await errorText(), /incorrect username or password/i);
});
