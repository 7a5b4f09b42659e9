// The app's sign-in through the user pool's hosted page, with real parts: ministack serves
// the pool's hosted page and checks PKCE at its token endpoint, a real OpenID provider
// (oidc-provider-mock) is the pool's federated identity provider, and the app's own loopback
// listener takes the browser's answer. The app "opens the browser" with $BROWSER, which
// e2e/run points at a script that writes the address down (lib/browser-to-file); the test
// then plays the browser with fetch (lib/playbrowser.mjs): the hosted page's form, the
// provider's form, the redirects back to the app.
//
// Signing out of a session from the hosted page also ends the page's own session: the app
// opens its /logout (ministack's sends the browser on to the app's /signed-out listener).
//
// With Sesame as the user's authenticator (the pool's account in the vault), the waiting
// screen shows that account's code for the page's MFA step. ministack's hosted page has no
// MFA step, so the test checks what the app shows (the CLI's code at the same moment), not
// the page taking it.
//
// One user's steps, numbered; once one fails the rest are skipped. Screenshots of each step
// (e2e/output/cognito-hosted-*.png), the last ones at a phone's size (390×844).
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { asPhone, launchWithNewVault, shown, click, type, screenshot, byTestId, unlock, clipboard, cli } from "../lib/app.mjs";
import { startMinistack } from "../lib/ministack.mjs";
import { startOidcIdp } from "../lib/oidc_idp.mjs";
import { open, submit } from "../lib/playbrowser.mjs";
import { freePort } from "../lib/net.mjs";
import { story } from "../lib/story.mjs";

const VAULT_PASSWORD = "cognito hosted vault 4";
const USER = "ivy";
const PASSWORD = "Hosted-Passw0rd!";
const PROVIDER = "CorpIdP";

let app;
let cognito;
let idp;
let pool;
let port;
const urlsFile = join(process.env.E2E_SCRATCH ?? "", "browser-urls.txt");

before(async () => {
  idp = await startOidcIdp({ sub: "carol", email: "carol@idp.example", name: "Carol Federated" });
  cognito = await startMinistack();
  port = await freePort();
  pool = cognito.createHostedPool(port, { name: PROVIDER, issuer: idp.issuer });
  cognito.confirmedUser(pool.pool_id, USER, PASSWORD, "ivy@example.com");
  app = await launchWithNewVault(VAULT_PASSWORD);
});

after(async () => {
  try {
    await app?.deleteSession();
  } finally {
    cognito?.stop();
    idp?.stop();
  }
});

const step = story();

/** The addresses the app gave its "browser" so far. */
function opened() {
  return existsSync(urlsFile) ? readFileSync(urlsFile, "utf8").split("\n").filter(Boolean) : [];
}

/** Starts a hosted sign-in with the button `id`; the address shown, checked against the one the browser got. */
async function startHosted(id, before = opened().length) {
  await click(app, id);
  const link = await (await shown(app, "cognito-hosted-link", 30_000)).getText();
  await app.waitUntil(async () => opened().length > before, { timeout: 10_000, timeoutMsg: "the app did not open the browser" });
  assert.equal(opened().at(-1), link, "the browser was given the address the app shows");
  assert.match(await byTestId(app, "cognito-hosted-hint").getText(), /opened in your browser/i);
  return link;
}

const callback = () => `http://127.0.0.1:${port}/callback`;
const atCallback = (url) => url.startsWith(callback());

/** Signs in on the hosted page's form; the redirect back to the app, unvisited. */
async function hostedForm(link, username = USER, password = PASSWORD) {
  const login = await open(link);
  assert.equal(login.status, 200);
  assert.match(login.body, /name="password"/, "the hosted page's sign-in form");
  const back = await submit(login, { username, password }, atCallback);
  assert.ok(back.stoppedAt, `the hosted page did not send the browser back: ${back.body?.slice(0, 500)}`);
  return back.stoppedAt;
}

/** The browser arrives back at the app's listener; the page it shows. */
async function backAtApp(url) {
  const page = await open(url);
  assert.equal(page.status, 200);
  return page.body;
}

/** Waits for the app's listener to stop (it is dropped as the cancelled wait unwinds). */
async function stopped(why) {
  await app.waitUntil(async () => !(await listening()), { timeout: 10_000, timeoutMsg: `the listener did not stop ${why}` });
}

/** The signed-in view names `username` (from the verified ID token: until the shell has
 *  verified it, the view shows the name the session was stored under, here the email). */
async function signedInAs(username) {
  const shownName = await shown(app, "cognito-identity-username", 30_000);
  let last = "";
  await app.waitUntil(async () => (last = await shownName.getText()) === username, {
    timeout: 30_000,
    timeoutMsg: `the signed-in view names ${last}, not ${username}`,
  });
}

const signedOutUri = () => `http://127.0.0.1:${port}/signed-out`;

/** Clicks "Sign out" on a session from the hosted page: the app revokes the tokens and
 *  waits for the browser at the page's /logout, whose address it shows and gave the browser. */
async function signOutShowsLogout() {
  const before = opened().length;
  await click(app, "cognito-sign-out");
  const waiting = await shown(app, "cognito-hosted-waiting", 30_000);
  assert.match(await waiting.getText(), /signing out of the hosted page in your browser/i);
  const link = await byTestId(app, "cognito-hosted-link").getText();
  await app.waitUntil(async () => opened().length > before, { timeout: 10_000, timeoutMsg: "the app did not open the browser" });
  assert.equal(opened().at(-1), link, "the browser was given the address the app shows");
  const url = new URL(link);
  assert.equal(`${url.origin}${url.pathname}`, `${cognito.endpoint}/logout`);
  assert.equal(url.searchParams.get("client_id"), pool.client_id);
  assert.equal(url.searchParams.get("logout_uri"), signedOutUri());
  assert.equal(await listening(), true, "the app listens for the browser's return");
  return link;
}

/** The code the waiting screen shows and the CLI's for `label` at the same moment; read
 *  again when a period boundary is near (the screen refreshes just after it). */
async function pageCodeAndCli(label) {
  for (let attempt = 0; attempt < 6; attempt++) {
    const start = Date.now();
    const shownCode = (await byTestId(app, "cognito-page-code-value").getText()).replace(/\s/g, "");
    const expected = cli(["code", label, "--password-stdin"], `${VAULT_PASSWORD}\n`);
    const end = Date.now();
    const period = (t) => Math.floor(t / 30_000);
    const settled = start % 30_000 >= 2_000 && period(start) === period(end);
    if (settled && /^\d{6}$/.test(shownCode)) return { shownCode, expected };
    await app.pause(1500);
  }
  throw new Error("could not read the code away from a period boundary");
}

async function errorSays(pattern) {
  const error = await shown(app, "error", 30_000);
  assert.match(await error.getText(), pattern);
}

async function listening() {
  try {
    // Not the callback path: the listener answers anything else 404 and keeps waiting.
    await fetch(`http://127.0.0.1:${port}/probe`, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

step("1/10: the pool form takes the hosted page's domain, port and providers", async () => {
  await click(app, "cognito-button");
  await type(app, "cognito-region", pool.region);
  await type(app, "cognito-pool-id", pool.pool_id);
  await type(app, "cognito-client-id", pool.client_id);
  await type(app, "cognito-endpoint", cognito.endpoint);
  await type(app, "cognito-domain", cognito.endpoint);
  await type(app, "cognito-redirect-port", String(port));
  await type(app, "cognito-providers", PROVIDER);
  assert.match(await byTestId(app, "cognito-callback-hint").getText(), new RegExp(`127\\.0\\.0\\.1:${port}/callback`));
  await screenshot(app, "cognito-hosted-01-configure");
  await click(app, "cognito-save-config");
  await shown(app, "cognito-hosted-sign-in", 30_000);
  const providers = await app.execute(() => [...document.querySelectorAll('[data-testid="cognito-hosted-provider"]')].map((b) => b.textContent.trim()));
  assert.deepEqual(providers, [`Continue with ${PROVIDER}`]);
  await screenshot(app, "cognito-hosted-02-sign-in");
});

step("2/10: the hosted page's sign-in ends in the app, signed in", async () => {
  const link = await startHosted("cognito-hosted-sign-in");
  const url = new URL(link);
  assert.equal(`${url.origin}${url.pathname}`, `${cognito.endpoint}/oauth2/authorize`);
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("redirect_uri"), callback());
  assert.match(await byTestId(app, "cognito-hosted-waiting").getText(), /waiting for the browser/i);
  await click(app, "cognito-hosted-copy");
  await app.waitUntil(async () => clipboard() === link, { timeout: 10_000, timeoutMsg: "the link was not copied" });
  await screenshot(app, "cognito-hosted-03-waiting");
  const page = await backAtApp(await hostedForm(link));
  assert.match(page, /close this tab/i);
  await signedInAs(USER);
  assert.equal(await (await shown(app, "cognito-identity-email", 30_000)).getText(), "ivy@example.com");
  assert.equal(await byTestId(app, "cognito-identity-provider").getText(), "The hosted page");
  assert.equal(await listening(), false, "the listener stopped after the answer");
  await screenshot(app, "cognito-hosted-04-signed-in");
});

step("3/10: signing out ends the hosted page's session in the browser too", async () => {
  const link = await signOutShowsLogout();
  await click(app, "cognito-hosted-copy");
  await app.waitUntil(async () => clipboard() === link, { timeout: 10_000, timeoutMsg: "the link was not copied" });
  await screenshot(app, "cognito-hosted-04b-signing-out");
  // The hosted page's /logout sends the browser back to the app's listener.
  const back = await open(link, (u) => u.startsWith(signedOutUri()));
  assert.equal(back.stoppedAt, signedOutUri(), `the hosted page did not send the browser back: ${back.body?.slice(0, 500)}`);
  assert.match(await backAtApp(back.stoppedAt), /session has ended/i);
  await shown(app, "cognito-hosted-sign-in", 30_000);
  assert.match(await (await shown(app, "cognito-notice", 30_000)).getText(), /signed out, of the hosted page too/i);
  assert.equal(await byTestId(app, "cognito-identity").isExisting(), false);
  await stopped("after the browser came back");
  await screenshot(app, "cognito-hosted-04c-signed-out");
});

step("4/10: an answer with another sign-in's state is refused in words", async () => {
  const link = await startHosted("cognito-hosted-sign-in");
  const back = new URL(await hostedForm(link));
  back.searchParams.set("state", `${back.searchParams.get("state")}x`);
  const page = await backAtApp(back.toString());
  assert.match(page, /could not sign in/i);
  await errorSays(/does not belong to this sign-in/i);
  assert.equal(await byTestId(app, "cognito-identity").isExisting(), false);
  await screenshot(app, "cognito-hosted-05-wrong-state");
});

step("5/10: the hosted page's error= answer is shown with its description", async () => {
  const link = await startHosted("cognito-hosted-sign-in");
  const state = new URL(link).searchParams.get("state");
  await backAtApp(`${callback()}?error=access_denied&error_description=the+user+said+no&state=${state}`);
  await errorSays(/access_denied \(the user said no\)/);
  await screenshot(app, "cognito-hosted-06-denied");
});

step("6/10: Cancel stops the listener", async () => {
  await startHosted("cognito-hosted-sign-in");
  assert.equal(await listening(), true);
  await click(app, "cognito-hosted-cancel");
  const notice = await shown(app, "cognito-notice", 30_000);
  assert.match(await notice.getText(), /cancelled/i);
  assert.equal(await byTestId(app, "error").isExisting(), false);
  await stopped("at Cancel");
  await screenshot(app, "cognito-hosted-07-cancelled");
});

step("7/10: locking the vault cancels the sign-in waiting for the browser", async () => {
  const link = await startHosted("cognito-hosted-sign-in");
  assert.equal(await listening(), true);
  // The lock command, as the lock button (behind the modal dialog) or auto-lock would.
  await app.execute(() => {
    window.__TAURI_INTERNALS__.invoke("lock");
  });
  // The dialog says the vault is locked, or the app has gone to its unlock screen already
  // (its code list noticed the lock first).
  const error = byTestId(app, "error");
  const unlockShown = () => byTestId(app, "unlock-password").isDisplayed();
  await app.waitUntil(async () => (await unlockShown()) || ((await error.isDisplayed()) && /locked/i.test(await error.getText())), {
    timeout: 30_000,
    timeoutMsg: "the app did not show that it locked",
  });
  await stopped("at the lock");
  await screenshot(app, "cognito-hosted-08-locked");
  if (!(await unlockShown())) await click(app, "cognito-close");
  await shown(app, "unlock-password", 30_000);
  // The hosted page's answer comes too late: nobody takes it.
  const late = await hostedForm(link).catch((e) => e);
  assert.ok(typeof late === "string", `${late}`);
  await assert.rejects(fetch(late, { signal: AbortSignal.timeout(3000) }));
  await unlock(app, VAULT_PASSWORD);
  await shown(app, "empty-state", 30_000);
  await click(app, "cognito-button");
  await shown(app, "cognito-hosted-sign-in", 30_000);
  assert.equal(await byTestId(app, "cognito-identity").isExisting(), false);
});

step("8/10: with Sesame as the user's authenticator, the waiting screen shows the code the page may ask for", async () => {
  // The API sign-in and "Use Sesame for MFA" put the pool's account in the vault.
  await type(app, "cognito-username", USER);
  await type(app, "cognito-password", PASSWORD);
  await click(app, "cognito-sign-in");
  await signedInAs(USER);
  // The button is disabled while the signed-in view checks the session (whoami).
  const enable = await shown(app, "cognito-enable-mfa", 30_000);
  await enable.waitForEnabled({ timeout: 30_000 });
  await enable.click();
  const mfa = await shown(app, "cognito-identity-mfa", 30_000);
  const error = byTestId(app, "error");
  await app.waitUntil(async () => /sesame is the authenticator/i.test(await mfa.getText()) || (await error.isDisplayed()), {
    timeout: 30_000,
    timeoutMsg: "Sesame did not become the authenticator",
  });
  assert.equal(await error.isExisting(), false, "Use Sesame for MFA failed");
  const signOut = await shown(app, "cognito-sign-out");
  await signOut.waitForEnabled({ timeout: 30_000 });
  await signOut.click();
  await shown(app, "cognito-hosted-sign-in", 30_000);

  const label = `Cognito (${pool.pool_id}): ${USER}`;
  await startHosted("cognito-hosted-sign-in");
  const codes = await shown(app, "cognito-page-codes", 30_000);
  assert.match(await codes.getText(), /if the page asks for a code/i);
  assert.equal(await byTestId(app, "cognito-page-code-label").getText(), label);
  const { shownCode, expected } = await pageCodeAndCli(label);
  assert.equal(shownCode, expected, "the waiting screen shows the code the CLI prints for the account");
  await screenshot(app, "cognito-hosted-08b-page-code");

  // Copy is the account list's copy: the code goes to the clipboard, which is cleared later.
  for (let attempt = 0; ; attempt++) {
    const start = Date.now();
    await click(app, "cognito-page-code-copy");
    await app.waitUntil(async () => /^\d{6}$/.test(clipboard()), { timeout: 10_000, timeoutMsg: "no code was copied" });
    const now = cli(["code", label, "--password-stdin"], `${VAULT_PASSWORD}\n`);
    if (clipboard() === now || attempt >= 3) {
      assert.equal(clipboard(), now, "the copied code is the account's current one");
      break;
    }
    assert.notEqual(Math.floor(start / 30_000), Math.floor(Date.now() / 30_000), "a different code in the same period");
    await app.pause(1500);
  }
  assert.match(await (await shown(app, "cognito-page-code-copied")).getText(), /clipboard clears in/i);
  await click(app, "cognito-hosted-cancel");
  assert.match(await (await shown(app, "cognito-notice", 30_000)).getText(), /cancelled/i);
  await stopped("at Cancel");
});

step("9/10: at a phone's size, a federated user continues with the OpenID provider", async () => {
  await asPhone(app);
  await screenshot(app, "cognito-hosted-09-phone-sign-in");
  const link = await startHosted("cognito-hosted-provider");
  assert.equal(new URL(link).searchParams.get("identity_provider"), PROVIDER);
  // The pool's account in the vault (step 8) is offered for the page's MFA step here too.
  assert.equal(await (await shown(app, "cognito-page-code-label", 30_000)).getText(), `Cognito (${pool.pool_id}): ${USER}`);
  await app.waitUntil(async () => /^\d{3} \d{3}$/.test(await byTestId(app, "cognito-page-code-value").getText()), {
    timeout: 10_000,
    timeoutMsg: "no code on the phone's waiting screen",
  });
  await screenshot(app, "cognito-hosted-10-phone-waiting");
  const width = await app.execute(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(width[0] <= width[1], `the waiting screen is ${width[0]} px wide in a ${width[1]} px window`);
  for (const id of ["cognito-hosted-cancel", "cognito-hosted-copy", "cognito-page-code-copy"]) {
    const r = await app.execute((id) => {
      const b = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
      return { left: b.left, right: b.right, width: window.innerWidth };
    }, id);
    assert.ok(r.left >= 0 && r.right <= r.width, `${id} is on screen (${r.left}..${r.right} of ${r.width})`);
  }
  // The pool sends the browser to the provider it discovered; its form names the user.
  const idpPage = await open(link);
  assert.ok(idpPage.url?.startsWith(`${idp.issuer}/oauth2/authorize`), `${idpPage.url} ${idp.log()}`);
  const back = await submit(idpPage, { sub: "carol" }, atCallback);
  assert.ok(back.stoppedAt, "back to the app");
  assert.match(await backAtApp(back.stoppedAt), /close this tab/i);
  await signedInAs(`${PROVIDER}_carol`);
  assert.equal(await byTestId(app, "cognito-identity-provider").getText(), PROVIDER);
  assert.equal(await (await shown(app, "cognito-identity-email")).getText(), "carol@idp.example");
  await screenshot(app, "cognito-hosted-11-phone-signed-in");
});

step("10/10: at a phone's size, signing out and cancelling the hosted page's sign-out says its session may remain", async () => {
  await signOutShowsLogout();
  await screenshot(app, "cognito-hosted-12-phone-signing-out");
  await click(app, "cognito-hosted-cancel");
  await shown(app, "cognito-hosted-sign-in", 30_000);
  assert.match(await (await shown(app, "cognito-notice", 30_000)).getText(), /revoked and forgotten.*may remain.*cancelled/i);
  assert.equal(await byTestId(app, "error").isExisting(), false);
  await stopped("at Cancel");
  await screenshot(app, "cognito-hosted-13-phone-signed-out");
});
