// Sesame Sync in the app, with real parts: the Cognito emulator (ministack), the real
// `sesame-sync` server process on SQLite, the app signed in to the pool, and a second device
// that is the `sesame` CLI with a vault and a file keystore of its own, signed in as the
// same user.
//
// One user's story, in order: each step needs the one before it. Once a step fails, the
// rest are skipped and say which step they needed.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { asPhone, launchWithNewVault, shown, click, type, screenshot, waitForRow, rows, byTestId } from "../lib/app.mjs";
import { startMinistack } from "../lib/ministack.mjs";
import { answersOk, freePort, untilHealthy } from "../lib/net.mjs";
import { story } from "../lib/story.mjs";
import { signInWith, typePoolSettings } from "../lib/cognito_dialog.mjs";

const VAULT_PASSWORD = "sync e2e vault 5";
const USER = "sam";
const USER_PASSWORD = "Sesame-e2e-Sync-Passw0rd!";
const PASSPHRASE = "correct horse battery staple sync";
const SECRET_APP = "JBSWY3DPEHPK3PXP";
const SECRET_CLI = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

let app;
let cognito;
let pool;
let server;
let serverUrl;
const scratch = mkdtempSync(join(process.env.E2E_SCRATCH ?? tmpdir(), "sync-"));

/**
 * Starts `sesame-sync serve` on `port` with this file's SQLite store, against the emulator's
 * pool, its log in `logName`; resolves when it answers, to `{ child, url }`.
 */
async function serve(port, logName) {
  const bin = process.env.SESAME_SYNC ?? join(dirname(process.env.SESAME_APP), "sesame-sync");
  const log = join(scratch, logName);
  const jwks = `${cognito.endpoint}/${pool.pool_id}/.well-known/jwks.json`;
  const child = spawn(
    bin,
    [
      "serve", "--listen", `127.0.0.1:${port}`, "--store", `sqlite:${join(scratch, "sync.db")}`,
      "--region", pool.region, "--user-pool-id", pool.pool_id, "--client-id", pool.client_id,
      "--jwks-url", jwks, "--token-grace-secs", "0",
    ],
    { stdio: ["ignore", "ignore", openSync(log, "w")], env: { ...process.env, SESAME_SYNC_STORE: "" } },
  );
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(child, () => answersOk(`${url}/v1/health`), `sesame-sync (${bin})`, () => readFileSync(log, "utf8"));
  return { child, url };
}

/** The server on a free port. */
async function startServer() {
  return serve(await freePort(), "sesame-sync.log");
}

// ---- the other devices: the CLI with a vault and a keystore of its own each ----

/** Runs the CLI as the device in `dir`; `{ok, out, err}` (never throws). */
function cli(dir, args, input = "") {
  try {
    const out = execFileSync(process.env.SESAME_CLI, args, {
      input,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, SESAME_HOME: join(dir, "home"), SESAME_KEYSTORE: `file:${join(dir, "device.key")}` },
      timeout: 60_000,
    });
    return { ok: true, out: out.trim(), err: "" };
  } catch (e) {
    return { ok: false, out: String(e.stdout ?? "").trim(), err: String(e.stderr ?? "").trim() };
  }
}

function cliOk(dir, args, input = "") {
  const r = cli(dir, args, input);
  assert.ok(r.ok, `sesame ${args.join(" ")} failed: ${r.err}`);
  return r.out;
}

/** A new CLI device (a fresh home) signed in to Cognito as the user; sync still off. */
function newDevice(name) {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  cliOk(dir, ["init", "--no-password"]);
  cliOk(dir, ["cognito", "configure", "--region", pool.region, "--user-pool-id", pool.pool_id, "--client-id", pool.client_id, "--endpoint", cognito.endpoint]);
  cliOk(dir, ["cognito", "sign-in", "--username", USER, "--flow", "password", "--password-stdin"], `${USER_PASSWORD}\n`);
  return {
    dir,
    run: (args, input) => cli(dir, args, input),
    /** `sesame sync enable` with `passphrase`: `{ok, out, err}`. */
    enable: (passphrase) => cli(dir, ["sync", "enable", "--server", serverUrl, "--passphrase-stdin", "--device-name", name], `${passphrase}\n`),
  };
}

const DEVICE_B = join(scratch, "device-b");
mkdirSync(DEVICE_B, { recursive: true });
const deviceB = (args, input = "") => cli(DEVICE_B, args, input);
const deviceBOk = (args, input = "") => cliOk(DEVICE_B, args, input);

/** Device B's accounts, by issuer. */
function deviceBIssuers() {
  return issuersOf(DEVICE_B);
}

/** The accounts of the CLI device in `dir`, by issuer. */
function issuersOf(dir) {
  const out = cliOk(dir, ["list", "--json"]);
  const parsed = JSON.parse(out.startsWith("[") ? out : `[${out.split("\n").filter(Boolean).join(",")}]`);
  return parsed.map((a) => a.issuer);
}

before(async () => {
  cognito = await startMinistack();
  pool = cognito.createPool("off");
  cognito.createUser(pool.pool_id, USER, USER_PASSWORD);
  ({ child: server, url: serverUrl } = await startServer());
  app = await launchWithNewVault(VAULT_PASSWORD);
});

after(async () => {
  try {
    await app?.deleteSession();
  } finally {
    server?.kill();
    cognito?.stop();
  }
});

const step = story();

/**
 * Waits for the Sync dialog's notice to match `pattern`; fails at once on an error, unless
 * `whileLastError` (the status may still show the last round's error while this one runs).
 */
async function notice(pattern, { whileLastError = false } = {}) {
  let error = null;
  let lastSeen = "nothing";
  await app.waitUntil(
    async () => {
      const shownError = byTestId(app, "error");
      if (!whileLastError && (await shownError.isDisplayed())) {
        error = await shownError.getText();
        return true;
      }
      const el = byTestId(app, "sync-notice");
      lastSeen = (await el.isExisting()) ? await el.getText() : "nothing";
      return (await el.isDisplayed()) && pattern.test(lastSeen);
    },
    {
      timeout: 60_000,
      timeoutMsg: `the notice never said ${pattern} (it says "${lastSeen}")`,
    },
  );
  if (error !== null) assert.fail(`expected a notice saying ${pattern}; the dialog shows the error "${error}"`);
}

async function closeDialogs() {
  for (let i = 0; i < 3 && (await app.$$('[role="dialog"]')).length > 0; i++) {
    await app.keys("Escape");
    await app.pause(150);
  }
}

step("1/12: without a Cognito sign-in, the Sync screen says so and opens Cognito", async () => {
  await click(app, "sync-button");
  assert.match(await (await shown(app, "sync-signed-out")).getText(), /sign in to Cognito/i);
  await screenshot(app, "sync-01-needs-sign-in");
  await click(app, "sync-open-cognito");
  await typePoolSettings(app, pool, cognito.endpoint);
  await click(app, "cognito-save-config");
  await signInWith(app, USER, USER_PASSWORD);
  const who = await shown(app, "cognito-identity-username", 30_000);
  assert.equal(await who.getText(), USER);
  await closeDialogs();
});

let recoveryKey;

step("2/12: the first device chooses the passphrase (twice) and is shown the recovery key once", async () => {
  await click(app, "sync-button");
  await type(app, "sync-server", serverUrl);
  await type(app, "sync-device-name", "Desktop app");
  await screenshot(app, "sync-02-server");
  await click(app, "sync-continue");
  assert.match(await (await shown(app, "sync-join", 30_000)).getText(), /first device/i);
  await type(app, "sync-new", PASSPHRASE);
  await type(app, "sync-again", `${PASSPHRASE}!`);
  await shown(app, "sync-mismatch");
  assert.equal(await byTestId(app, "sync-enable").isEnabled(), false, "differing passphrases cannot be sent");
  await type(app, "sync-again", PASSPHRASE);
  await screenshot(app, "sync-03-passphrase");
  await click(app, "sync-enable");
  const key = await shown(app, "sync-recovery-key", 60_000);
  recoveryKey = (await key.getText()).trim();
  assert.match(recoveryKey, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){13}$/, "56 Base32 characters in groups of four");
  await screenshot(app, "sync-04-recovery-key");
  await click(app, "sync-recovery-saved");
  await shown(app, "sync-status", 30_000);
  assert.equal(await byTestId(app, "sync-recovery-key").isExisting(), false, "the recovery key is gone");
  assert.equal(await (await shown(app, "sync-status-server")).getText(), serverUrl);
  await screenshot(app, "sync-05-on");
  await closeDialogs();
});

step("3/12: an account added in the app reaches the CLI device (background sync after the change)", async () => {
  await click(app, "add-button");
  await click(app, "add-tab-link");
  await type(app, "add-link-input", `otpauth://totp/FromApp:sam@example.com?secret=${SECRET_APP}&issuer=FromApp`);
  await click(app, "add-link-submit");
  await click(app, "pending-confirm");
  await waitForRow(app, "FromApp");

  // Device B: its own vault and keystore, signed in as the same user.
  deviceBOk(["init", "--no-password"]);
  deviceBOk(["cognito", "configure", "--region", pool.region, "--user-pool-id", pool.pool_id, "--client-id", pool.client_id, "--endpoint", cognito.endpoint]);
  deviceBOk(["cognito", "sign-in", "--username", USER, "--flow", "password", "--password-stdin"], `${USER_PASSWORD}\n`);
  assert.match(deviceBOk(["sync", "enable", "--server", serverUrl, "--passphrase-stdin", "--device-name", "CLI laptop"], `${PASSPHRASE}\n`), /joined/i);

  // No "Sync now" in the app: the background round after the change sends it.
  const started = Date.now();
  for (;;) {
    deviceBOk(["sync", "now", "--json"]);
    if (deviceBIssuers().includes("FromApp")) break;
    assert.ok(Date.now() - started < 60_000, "the app's account never reached device B");
    await new Promise((r) => setTimeout(r, 1000));
  }
  const codes = deviceBOk(["codes", "--json"]).split("\n").map((l) => JSON.parse(l));
  const fromApp = codes.find((c) => c.issuer === "FromApp");
  const expected = deviceBOk(["code", "--secret", SECRET_APP]);
  assert.ok(fromApp, "device B makes codes for it");
  // Same secret, same code (unless a 30 s boundary fell between the two reads).
  if (Math.floor(Date.now() / 30_000) === Math.floor((Date.now() - 200) / 30_000)) {
    assert.equal(fromApp.code, expected);
  }
});

step("4/12: an account added on the CLI device appears in the app's list after Sync now", async () => {
  deviceBOk(["add", `otpauth://totp/FromCli:sam@example.com?secret=${SECRET_CLI}&issuer=FromCli`]);
  const pushed = JSON.parse(deviceBOk(["sync", "now", "--json"]));
  assert.ok(pushed.pushed >= 1, `device B sent its account: ${JSON.stringify(pushed)}`);
  assert.equal((await rows(app)).some((r) => r.issuer === "FromCli"), false);
  await click(app, "sync-button");
  await click(app, "sync-now");
  // "1 change received", unless a background round fetched it first ("nothing new").
  await notice(/synced: (.*1 change received|nothing new)/i);
  await screenshot(app, "sync-06-synced-now");
  await closeDialogs();
  // The list behind the dialog refreshed itself (the shell's accounts-changed event).
  const row = await waitForRow(app, "FromCli", 15_000);
  assert.equal(row.name, "sam@example.com");
});

step("5/12: the devices list marks this device; the other one is revoked after a confirmation", async () => {
  await click(app, "sync-button");
  await shown(app, "sync-devices", 30_000);
  const list = async () => {
    const out = [];
    for (const el of await app.$$('[data-testid="sync-device"]')) {
      out.push({ id: await el.getAttribute("data-id"), this: (await el.getAttribute("data-this")) === "true", revoked: (await el.getAttribute("data-revoked")) === "true", text: await el.getText() });
    }
    return out;
  };
  await app.waitUntil(async () => (await list()).length === 2, { timeout: 15_000, timeoutMsg: "two devices were never listed" });
  const devices = await list();
  const mine = devices.find((d) => d.this);
  const other = devices.find((d) => !d.this);
  assert.match(mine.text, /Desktop app/);
  assert.match(mine.text, /This device/);
  assert.match(other.text, /CLI laptop/);
  const fromCli = JSON.parse(deviceBOk(["sync", "devices", "--json"])).devices;
  assert.equal(fromCli.find((d) => d.this).id, other.id, "the CLI device's id is the one listed");
  await screenshot(app, "sync-07-devices");

  await click(app, "sync-revoke");
  await shown(app, "sync-revoke-confirm");
  await screenshot(app, "sync-08-revoke-confirm");
  await click(app, "sync-revoke-confirm");
  await notice(/removed from sync/i);
  await app.waitUntil(async () => (await list()).find((d) => d.id === other.id)?.revoked === true, {
    timeout: 15_000,
    timeoutMsg: "the device was never shown revoked",
  });
  const refused = deviceB(["sync", "now"]);
  assert.equal(refused.ok, false, "a revoked device's sync is refused");
  assert.match(refused.err, /removed from sync/i);
  await screenshot(app, "sync-09-revoked");
});

step("6/12: on a phone-size window the Sync screen fits", async () => {
  const back = await asPhone(app);
  const now = await shown(app, "sync-now");
  const { x } = await now.getLocation();
  const { width } = await now.getSize();
  assert.ok(x + width <= 390, "Sync now fits on a phone screen");
  await screenshot(app, "sync-10-phone");
  await back();
});

step("7/12: a server that is down is the last error, in words", async () => {
  server.kill();
  await new Promise((r) => server.once("exit", r));
  await click(app, "sync-now");
  const err = await shown(app, "error", 60_000);
  assert.match(await err.getText(), /no answer from the sync server/i);
  await app.waitUntil(async () => (await byTestId(app, "sync-last-error").isDisplayed()), {
    timeout: 15_000,
    timeoutMsg: "the status never showed the last error",
  });
  await screenshot(app, "sync-11-last-error");
  ({ child: server } = await restartServer());
  await click(app, "sync-now");
  await notice(/synced/i, { whileLastError: true });
  assert.equal(await byTestId(app, "sync-last-error").isExisting(), false, "a round that works clears the error");
});

/** The server again on the same store and port. */
function restartServer() {
  return serve(new URL(serverUrl).port, "sesame-sync-2.log");
}

step("8/12: turned off, then on again as a joining device: a wrong passphrase is refused", async () => {
  await click(app, "sync-disable");
  await click(app, "sync-disable-confirm");
  await notice(/sync is off/i);
  // The accounts stay.
  await closeDialogs();
  await waitForRow(app, "FromCli");
  await click(app, "sync-button");
  await type(app, "sync-server", serverUrl);
  await click(app, "sync-continue");
  assert.match(await (await shown(app, "sync-join", 30_000)).getText(), /already syncs/i);
  assert.equal(await byTestId(app, "sync-again").isExisting(), false, "a joining device types it once");
  await type(app, "sync-passphrase", "not the sync passphrase");
  await click(app, "sync-enable");
  const err = await shown(app, "error", 60_000);
  assert.match(await err.getText(), /wrong sync passphrase/i);
  await screenshot(app, "sync-12-wrong-passphrase");
  await type(app, "sync-passphrase", PASSPHRASE);
  await click(app, "sync-enable");
  await notice(/joined/i);
  assert.equal(await byTestId(app, "sync-recovery-key").isExisting(), false, "no recovery key for a joining device");
});

const CHANGED = "a changed sync passphrase 9";
const RECOVERED = "set with the recovery key 10";
const REJOINED = "set while joining 11";

/**
 * Screenshots the dialog as it is at desktop size, then at 390×844, checking that its
 * submit button (or the one with `testid`) fits on the phone screen.
 */
async function bothSizes(name, testid = null) {
  await screenshot(app, name);
  const back = await asPhone(app);
  const submit = testid ? await shown(app, testid) : await app.$('[role="dialog"] button[type="submit"]');
  const { x } = await submit.getLocation();
  const { width } = await submit.getSize();
  assert.ok(x + width <= 390, `${name}: the submit button fits on a phone screen`);
  // The dialog scrolled it into view at the desktop size; the narrower layout is taller.
  await submit.scrollIntoView({ block: "nearest" });
  await screenshot(app, `${name}-phone`);
  await back();
}

step("9/12: the passphrase is changed in the app (a wrong current one is told); a new device joins with the new one only", async () => {
  await click(app, "sync-change-passphrase");
  await type(app, "sync-change-current", "not the sync passphrase");
  await type(app, "sync-change-new", CHANGED);
  await type(app, "sync-change-again", `${CHANGED}.`);
  await shown(app, "sync-change-mismatch");
  assert.equal(await byTestId(app, "sync-change-submit").isEnabled(), false, "differing passphrases cannot be sent");
  await type(app, "sync-change-again", CHANGED);
  await click(app, "sync-change-submit");
  const err = await shown(app, "error", 60_000);
  assert.match(await err.getText(), /wrong sync passphrase/i);
  await type(app, "sync-change-current", PASSPHRASE);
  await bothSizes("sync-13-change-passphrase");
  await click(app, "sync-change-submit");
  await notice(/passphrase is changed/i);

  const c = newDevice("CLI device C");
  const old = c.enable(PASSPHRASE);
  assert.equal(old.ok, false, "the old passphrase no longer opens the key");
  assert.match(old.err, /wrong sync passphrase/i);
  assert.match(c.enable(CHANGED).out, /joined/i);
  // C reads what the app sent: the same key.
  cliOk(c.dir, ["sync", "now"]);
  const issuers = issuersOf(c.dir);
  assert.ok(issuers.includes("FromApp"), `device C got the accounts: ${issuers}`);
});

step("10/12: with sync on, the recovery key shown at enable sets a new passphrase; a new device joins with it", async () => {
  await click(app, "sync-forgot");
  // Two lines, lower case, as a person might copy it from paper: the core reads it the same.
  const groups = recoveryKey.toLowerCase().split("-");
  const twoLines = `${groups.slice(0, 7).join("-")}\n${groups.slice(7).join(" ")}`;
  const field = await type(app, "sync-recover-key", twoLines);
  assert.equal(await field.getTagName(), "textarea", "the recovery key field shows the whole key over two lines");
  assert.equal(await field.getAttribute("spellcheck"), "false");
  await type(app, "sync-recover-new", RECOVERED);
  await type(app, "sync-recover-again", RECOVERED);
  await bothSizes("sync-14-recover");
  await click(app, "sync-recover-submit");
  await notice(/passphrase is reset/i);
  await shown(app, "sync-status");

  const d = newDevice("CLI device D");
  const changed = d.enable(CHANGED);
  assert.equal(changed.ok, false, "the passphrase set before no longer opens the key");
  assert.match(changed.err, /wrong sync passphrase/i);
  assert.match(d.enable(RECOVERED).out, /joined/i);
});

/** The last CLI device, joined in step 11 (told in step 12 the server holds nothing). */
let deviceE;

step("11/12: sync off, a device that forgot the passphrase joins with the recovery key from the join screen", async () => {
  await click(app, "sync-disable");
  await click(app, "sync-disable-confirm");
  await notice(/sync is off/i);
  await type(app, "sync-server", serverUrl);
  await click(app, "sync-continue");
  await shown(app, "sync-join", 30_000);
  await type(app, "sync-passphrase", "forgotten");
  await click(app, "sync-enable");
  assert.match(await (await shown(app, "error", 60_000)).getText(), /wrong sync passphrase/i);
  await click(app, "sync-join-forgot");
  await type(app, "sync-recover-key", recoveryKey);
  await type(app, "sync-recover-new", REJOINED);
  await type(app, "sync-recover-again", REJOINED);
  await screenshot(app, "sync-15-recover-when-joining");
  await click(app, "sync-recover-submit");
  await notice(/sync is on/i);
  assert.equal(await (await shown(app, "sync-status-server")).getText(), serverUrl);

  deviceE = newDevice("CLI device E");
  assert.match(deviceE.enable(REJOINED).out, /joined/i);
  cliOk(deviceE.dir, ["sync", "now"]);
});

step("12/12: turned off with \"delete everything on the server\": refused in words while the server is down, then the other devices are told the server holds nothing", async () => {
  const before = issuersOf(deviceE.dir);
  assert.ok(before.includes("FromApp") && before.includes("FromCli"), `device E has the accounts: ${before}`);
  await click(app, "sync-disable");
  await shown(app, "sync-off-confirm");
  assert.equal(await byTestId(app, "sync-delete-warning").isExisting(), false, "the warning comes with the choice");
  await click(app, "sync-delete-remote");
  const warning = await (await shown(app, "sync-delete-warning")).getText();
  assert.match(warning, /sync key/i);
  assert.match(warning, /every synced account/i);
  assert.match(warning, /device/i);
  assert.match(warning, /accounts on this device and on your other devices/i);
  assert.match(warning, /stop syncing/i);
  assert.match(await byTestId(app, "sync-disable-confirm").getText(), /delete and turn off/i);
  await bothSizes("sync-16-delete-confirm", "sync-disable-confirm");

  // The server is down: nothing half-done, sync stays on here, and the error says so.
  server.kill();
  await new Promise((r) => server.once("exit", r));
  await click(app, "sync-disable-confirm");
  const err = await (await shown(app, "error", 60_000)).getText();
  assert.match(err, /no answer from the sync server/i);
  assert.match(err, /nothing was deleted; sync stays on here/i);
  assert.match(err, /try again when the server can be reached/i);
  assert.doesNotMatch(err, /changes made here wait/i, "a delete is not retried by itself");
  assert.equal(await (await shown(app, "sync-status-server")).getText(), serverUrl, "sync is still on");
  await screenshot(app, "sync-17-delete-server-down");
  ({ child: server } = await restartServer());

  await click(app, "sync-disable-confirm");
  await notice(/deleted from/i);
  await shown(app, "sync-server");
  await closeDialogs();
  await waitForRow(app, "FromCli");

  // The CLI device: its next sync says the server holds nothing for this user; it keeps its accounts.
  const told = deviceE.run(["sync", "now"]);
  assert.equal(told.ok, false, "a sync against the emptied server fails");
  assert.match(told.err, /holds nothing for this user/i);
  assert.match(told.err, /sesame sync enable/);
  assert.deepEqual(issuersOf(deviceE.dir).sort(), before.sort(), "device E keeps its accounts");
});
