// Cognito at a phone's size: the app's window at 390×844 (a phone held upright), every
// Cognito screen the emulator can reach, each with a screenshot (e2e/output/cognito-phone-*.png)
// and what a person would see checked: nothing wider than the screen, the screen's buttons
// on it with their labels whole, rows of buttons that wrap still ending at the right edge.
//
// "gina" is one user's life, as in cognito.test.mjs (which covers the flows' behaviour at
// the desktop size); the steps are numbered, and once one fails the rest are skipped.
// Not reachable here: the "set up MFA" prompt (ministack never sends MFA_SETUP) and the
// "unsupported step" screen (a pool that requires MFA by text message).
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { PHONE, launchWithNewVault, shown, click, type, screenshot, waitForRow, byTestId } from "../lib/app.mjs";
import { startMinistack } from "../lib/ministack.mjs";
import { story } from "../lib/story.mjs";
import { cognitoNotice, signInWith, typePoolSettings } from "../lib/cognito_dialog.mjs";

const VAULT_PASSWORD = "cognito phone vault 3";
const USER = "gina";
const EMAIL = "gina@example.com";
const FIRST_PASSWORD = "Sesame-phone-Passw0rd!";
const NEW_PASSWORD = "Sesame-phone-Reset0!";
// ministack's fixed codes: the sign-up confirmation and the password reset.
const CONFIRMATION_CODE = "123456";
const RESET_CODE = "654321";

let app;
let cognito;
let pool;

before(async () => {
  cognito = await startMinistack();
  pool = cognito.createPool("optional");
  // At the screen's top left: the screenshot is cut from the display, which is 900 px high.
  app = await launchWithNewVault(VAULT_PASSWORD, { window: PHONE });
});

after(async () => {
  try {
    await app?.deleteSession();
  } finally {
    cognito?.stop();
  }
});

/**
 * What a person sees of the page: its width against the window's, the elements that
 * reach past either side, and for each of `ids` whether it is on screen with its label whole.
 */
function layout(ids) {
  return app.execute((ids) => {
    const width = document.documentElement.clientWidth;
    const name = (el) =>
      el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""} "${(el.textContent ?? "").trim().slice(0, 30)}"`;
    const outside = [];
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      // Screen-reader-only text is 1px wide and clipped on purpose.
      if (r.width <= 1 || r.height <= 1 || getComputedStyle(el).visibility === "hidden") continue;
      if (r.left < -0.5 || r.right > width + 0.5) outside.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    const controls = ids.map((id) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (!el) return { id, problem: "missing" };
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return { id, problem: "not shown" };
      if (r.left < -0.5 || r.right > width + 0.5) return { id, problem: `off screen (${Math.round(r.left)}..${Math.round(r.right)} of ${width})` };
      if (el.scrollWidth > el.clientWidth + 1) return { id, problem: `label cut (${el.scrollWidth} px in ${el.clientWidth})` };
      return { id, problem: null };
    });
    // A row of buttons that wrapped keeps its last button (the one that goes on) at the
    // right edge, where the rows above and below have theirs.
    const ragged = [];
    for (const row of document.querySelectorAll('[role="dialog"] .actions')) {
      const r = row.getBoundingClientRect();
      const buttons = [...row.querySelectorAll("button")].map((b) => b.getBoundingClientRect()).filter((b) => b.width > 0);
      if (r.width <= 1 || buttons.length === 0) continue;
      const right = Math.max(...buttons.map((b) => b.right));
      if (right < r.right - 1) ragged.push(`${name(row)} ends at ${Math.round(right)} of ${Math.round(r.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, outside: outside.slice(0, 8), controls, ragged };
  }, ids);
}

/** Saves `cognito-phone-NAME.png` and checks the screen fits the phone, `ids` on it. */
async function phoneScreen(name, ids = []) {
  const rect = await app.getWindowRect();
  assert.deepEqual({ width: rect.width, height: rect.height }, PHONE, "the window is phone-sized");
  const screenHeight = await app.execute(() => window.screen.height);
  assert.ok(rect.y >= 0 && rect.y + rect.height <= screenHeight, `the whole window is on the display (y ${rect.y}, display ${screenHeight} px high)`);
  await screenshot(app, `cognito-phone-${name}`);
  const seen = await layout(ids);
  assert.ok(seen.scrollWidth <= seen.innerWidth, `${name}: the page is ${seen.scrollWidth} px wide in a ${seen.innerWidth} px window`);
  assert.deepEqual(seen.outside, [], `${name}: elements reach past the screen's sides`);
  assert.deepEqual(seen.controls.filter((c) => c.problem), [], `${name}: controls not usable`);
  assert.deepEqual(seen.ragged, [], `${name}: buttons wrapped away from the right edge`);
}

/** Waits for the notice after a step to say `pattern`; fails at once on the dialog's error. */
const notice = (pattern) => cognitoNotice(app, pattern);

const signIn = (password, username = USER) => signInWith(app, username, password);

const step = story("phone: ");

step("1/7: the user pool settings fit a phone and save", async () => {
  await click(app, "cognito-button");
  await typePoolSettings(app, pool, cognito.endpoint);
  await phoneScreen("01-configure", ["cognito-region", "cognito-pool-id", "cognito-client-id", "cognito-endpoint", "cognito-save-config"]);
  await click(app, "cognito-save-config");
  await notice(/user pool saved/i);
  await phoneScreen("02-sign-in", ["cognito-username", "cognito-password", "cognito-sign-in", "cognito-forgot", "cognito-show-sign-up", "cognito-show-confirm", "cognito-show-config", "cognito-close"]);
});

step("2/7: sign-up and its confirmation fit a phone", async () => {
  await click(app, "cognito-show-sign-up");
  await type(app, "cognito-signup-username", USER);
  await type(app, "cognito-signup-email", EMAIL);
  await type(app, "cognito-signup-password", FIRST_PASSWORD);
  await phoneScreen("03-sign-up", ["cognito-signup-username", "cognito-signup-email", "cognito-signup-password", "cognito-signup-submit"]);
  await click(app, "cognito-signup-submit");
  await notice(/confirmation code was sent/i);
  await type(app, "cognito-confirm-code", CONFIRMATION_CODE);
  await phoneScreen("04-confirm", ["cognito-confirm-code", "cognito-confirm-submit"]);
  await click(app, "cognito-confirm-submit");
  await notice(/confirmed/i);
});

step("3/7: a refused password's error and the password reset fit a phone", async () => {
  await signIn("not the password 1A!");
  const error = await shown(app, "error", 30_000);
  assert.match(await error.getText(), /incorrect username or password/i);
  await phoneScreen("05-wrong-password", ["error", "cognito-sign-in", "cognito-forgot"]);
  await click(app, "cognito-forgot");
  await notice(/reset code was sent/i);
  await type(app, "cognito-reset-code", RESET_CODE);
  await type(app, "cognito-reset-password", NEW_PASSWORD);
  await phoneScreen("06-reset-password", ["cognito-reset-code", "cognito-reset-password", "cognito-reset-submit"]);
  await click(app, "cognito-reset-submit");
  await notice(/password changed/i);
});

step("4/7: signed in, and Sesame made the authenticator, fit a phone", async () => {
  await signIn(NEW_PASSWORD);
  assert.equal(await (await shown(app, "cognito-identity-username", 30_000)).getText(), USER);
  assert.equal(await (await shown(app, "cognito-identity-email", 30_000)).getText(), EMAIL);
  await phoneScreen("07-signed-in", ["cognito-identity", "cognito-refresh", "cognito-enable-mfa", "cognito-sign-out", "cognito-close"]);
  await click(app, "cognito-enable-mfa");
  await notice(/now this user's authenticator/i);
  assert.match(await (await shown(app, "cognito-identity-mfa")).getText(), /sesame is the authenticator/i);
  await phoneScreen("08-mfa-on", ["cognito-notice", "cognito-refresh", "cognito-disable-mfa", "cognito-sign-out", "cognito-close"]);
  await click(app, "cognito-close");
  const row = await waitForRow(app, `Cognito (${pool.pool_id})`);
  assert.equal(row.name, USER);
  await phoneScreen("09-authenticator-account", ["account-row", "cognito-button"]);
});

step("5/7: signed out, the MFA challenge fits a phone and the vault answers it", async () => {
  await click(app, "cognito-button");
  await click(app, "cognito-sign-out");
  await notice(/signed out/i);
  await phoneScreen("10-signed-out", ["cognito-notice", "cognito-username", "cognito-sign-in"]);
  await signIn(NEW_PASSWORD);
  await shown(app, "cognito-mfa-from-vault", 30_000);
  await phoneScreen("11-mfa-challenge", ["cognito-mfa-from-vault", "cognito-mfa-code", "cognito-mfa-submit"]);
  await click(app, "cognito-mfa-from-vault");
  assert.equal(await (await shown(app, "cognito-identity-username", 30_000)).getText(), USER);
  await phoneScreen("12-signed-in-with-mfa", ["cognito-identity", "cognito-sign-out"]);
});

step("6/7: signing out from the phone ends the session", async () => {
  await click(app, "cognito-sign-out");
  await notice(/signed out/i);
  assert.equal(await byTestId(app, "cognito-identity").isExisting(), false);
  await click(app, "cognito-show-config");
  await shown(app, "cognito-region");
  await phoneScreen("13-configure-again", ["cognito-region", "cognito-endpoint", "cognito-save-config"]);
});

step("7/7: an invited user's new-password screen fits a phone", async () => {
  const other = cognito.createPool("optional");
  cognito.inviteUser(other.pool_id, "hugo", "Temporary-Passw0rd!", "hugo@example.com");
  await typePoolSettings(app, other, cognito.endpoint);
  await click(app, "cognito-save-config");
  await notice(/user pool saved/i);
  await signIn("Temporary-Passw0rd!", "hugo");
  await type(app, "cognito-new-password", "Hugos-Own-Passw0rd!");
  await phoneScreen("14-new-password", ["cognito-new-password", "cognito-new-password-submit"]);
  await click(app, "cognito-new-password-submit");
  assert.equal(await (await shown(app, "cognito-identity-username", 30_000)).getText(), "hugo");
  await phoneScreen("15-new-password-signed-in", ["cognito-identity", "cognito-sign-out"]);
});
