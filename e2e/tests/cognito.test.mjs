// Cognito in the app, against the real emulator.
//
// "erin" is one user's life, in order: each step needs the one before it (the pool is
// configured, then erin signs up, signs in, makes Sesame her authenticator, signs in again
// answered from the vault, refreshes and signs out). The steps are numbered; once one fails,
// the rest are skipped and say which step they needed, instead of failing on its leftovers.
//
// "frank" stands alone: a user an administrator invited, on a pool of his own, who must
// choose a new password at the first sign-in. It configures the app itself, whatever the
// steps before it left.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchWithNewVault, shown, click, type, screenshot, waitForRow, cli, byTestId } from "../lib/app.mjs";
import { startMinistack } from "../lib/ministack.mjs";
import { story } from "../lib/story.mjs";
import { cognitoNotice, signInWith, typePoolSettings } from "../lib/cognito_dialog.mjs";

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
  // The vault is made by the CLI (first-run.test.mjs drives the first-run screens).
  app = await launchWithNewVault(VAULT_PASSWORD);
});

after(async () => {
  try {
    await app?.deleteSession();
  } finally {
    cognito?.stop();
  }
});

/** Waits for the notice after a step to say `pattern`; fails at once on the dialog's error. */
const notice = (pattern) => cognitoNotice(app, pattern);

/** The error shown in the dialog, once there is one. */
async function errorText() {
  const el = await shown(app, "error", 30_000);
  return el.getText();
}

const signIn = (password, username = USER) => signInWith(app, username, password);

/** The step of erin's life that failed, if one has. */
const step = story("erin ");

step("1/6: the Cognito pool is configured in a new vault", async () => {
  await click(app, "cognito-button");
  await typePoolSettings(app, pool, cognito.endpoint);
  await screenshot(app, "cognito-01-configure");
  await click(app, "cognito-save-config");
  await notice(/user pool saved/i);
  await shown(app, "cognito-username");
});

step("2/6: signs up and confirms with the emailed code", async () => {
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

step("3/6: a wrong password is refused, the right one signs in with verified claims", async () => {
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

step("4/6: Sesame becomes her authenticator app, with its account in the vault", async () => {
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

step("5/6: signs out, then in again: a wrong code is refused, the vault's answers", async () => {
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

step("6/6: the tokens refresh; signing out ends the session", async () => {
  await click(app, "cognito-refresh");
  await notice(/tokens refreshed/i);
  assert.match(await (await shown(app, "cognito-identity-expiry")).getText(), /in \d+ (min|h)/);
  await click(app, "cognito-sign-out");
  await notice(/signed out/i);
  assert.equal(await byTestId(app, "cognito-identity").isExisting(), false);
  await screenshot(app, "cognito-10-signed-out");
});

/**
 * Opens the Cognito dialog afresh on its user pool settings, whatever was open or signed
 * in before: no dialog, then the Cognito button, a sign-out if someone is signed in.
 */
async function openPoolSettings() {
  for (let i = 0; i < 3 && (await app.$$('[role="dialog"]')).length > 0; i++) {
    await app.keys("Escape");
    await app.pause(100);
  }
  await app.waitUntil(async () => (await app.$$('[role="dialog"]')).length === 0, {
    timeout: 5000,
    timeoutMsg: "a dialog stayed open",
  });
  await click(app, "cognito-button");
  // The dialog opens on the pool settings (none yet), sign-in, or who is signed in.
  const screens = ["cognito-region", "cognito-show-config", "cognito-sign-out"];
  let open;
  await app.waitUntil(
    async () => {
      for (const id of screens) {
        if (await byTestId(app, id).isDisplayed()) return (open = id);
      }
      return false;
    },
    { timeout: 30_000, timeoutMsg: "the Cognito dialog showed none of its first screens" },
  );
  if (open === "cognito-sign-out") {
    await click(app, "cognito-sign-out");
    await notice(/signed out/i);
    open = "cognito-show-config";
  }
  if (open === "cognito-show-config") await click(app, "cognito-show-config");
}

test("frank, invited by an administrator, chooses a new password at the first sign-in", async () => {
  // ministack asks invited users for a new password, but never sends MFA_SETUP (that step
  // is covered against the emulator behind a proxy in tests/cognito.rs, and in Vitest).
  const other = cognito.createPool("optional");
  cognito.inviteUser(other.pool_id, "frank", "Temporary-Passw0rd!", "frank@example.com");
  await openPoolSettings();
  await typePoolSettings(app, other, cognito.endpoint);
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
  await signIn("Franks-Own-Passw0rd!", "frank");
  assert.equal(await (await shown(app, "cognito-identity-username", 30_000)).getText(), "frank");
});
