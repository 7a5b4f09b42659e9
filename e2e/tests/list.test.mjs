// The account list of a vault holding three accounts: codes that match the CLI, copy,
// search, rename, delete, settings, locking and the phone-size layout. Each test starts
// from the unlocked list with no dialog open (resetView), so one failure stays its own.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  launch, shown, click, type, screenshot, rows, waitForRow, cli, clipboard, byTestId,
  shownAndExpected, makeVault, unlock, resetView, asPhone,
} from "../lib/app.mjs";
import {
  PASSWORD, SECRET_LINK, SECRET_TYPED, SECRET_QR, LINK_EXAMPLE, LINK_GITHUB, LINK_ACME,
} from "../lib/fixtures.mjs";

let app;

before(async () => {
  makeVault(PASSWORD, [LINK_EXAMPLE, LINK_GITHUB, LINK_ACME]);
  app = await launch();
  await unlock(app, PASSWORD);
  await waitForRow(app, "ACME", 30_000);
});

after(async () => {
  await app?.deleteSession();
});

beforeEach(async () => {
  await resetView(app, PASSWORD);
});

/** The TOTP code of `secret` at `ms` (Unix milliseconds), from the CLI. */
function codeAt(secret, ms) {
  return cli(["code", "--secret", secret, "--time", String(Math.floor(ms / 1000))]);
}

test("the codes on screen are the CLI's codes, grouped for reading", async () => {
  const example = await shownAndExpected(app, "Example", ["--secret", SECRET_LINK]);
  assert.match(example.shown, /^\d{6}$/);
  assert.equal(example.shown, example.expected);
  assert.match((await waitForRow(app, "Example")).code, /^\d{3} \d{3}$/, "six digits are grouped for reading");
  const github = await shownAndExpected(app, "GitHub", ["--secret", SECRET_TYPED.replace(/ /g, ""), "--digits", "8"]);
  assert.match(github.shown, /^\d{8}$/);
  assert.equal(github.shown, github.expected);
  const acme = await shownAndExpected(app, "ACME", ["--secret", SECRET_QR]);
  assert.equal(acme.shown, acme.expected);
  await screenshot(app, "05-list");
});

test("clicking a code copies it to the clipboard and says so", async () => {
  const row = await waitForRow(app, "Example");
  const clickedAt = Date.now();
  await (await byTestId(app, "account-code", row.el)).click();
  const toast = await shown(app, "toast");
  assert.match(await toast.getText(), /copied/i);
  await screenshot(app, "08-copied");
  let copied = "";
  await app.waitUntil(async () => (copied = clipboard().trim()) !== "", {
    timeout: 5000,
    timeoutMsg: "the clipboard stayed empty",
  });
  // The code may roll over between the click and the copy: either side of it is right.
  const expected = [codeAt(SECRET_LINK, clickedAt), codeAt(SECRET_LINK, Date.now())];
  assert.ok(expected.includes(copied), `clipboard held "${copied}", expected one of ${expected.join(", ")}`);
});

test("search filters as you type, and Escape shows every account again", async () => {
  const all = (await rows(app)).length;
  await type(app, "search", "acm");
  await app.waitUntil(async () => (await rows(app)).length === 1, { timeout: 5000, timeoutMsg: "the search did not narrow the list to one" });
  assert.equal((await rows(app))[0].issuer, "ACME");
  await screenshot(app, "09-search");
  await app.keys("Escape");
  await app.waitUntil(async () => (await rows(app)).length === all, { timeout: 5000, timeoutMsg: `the list did not come back to ${all} rows` });
  assert.equal(await (await shown(app, "search")).getValue(), "");
});

test("an account is renamed from its menu", async () => {
  const row = await waitForRow(app, "Example");
  await (await byTestId(app, "account-menu", row.el)).click();
  await click(app, "account-edit");
  await type(app, "edit-name", "alice@work.example");
  await screenshot(app, "10-edit");
  await click(app, "edit-save");
  await app.waitUntil(async () => (await waitForRow(app, "Example")).name === "alice@work.example",
    { timeout: 5000, timeoutMsg: "the row did not show the new name" });
});

test("an account is deleted after confirmation", async () => {
  const before = (await rows(app)).length;
  const row = await waitForRow(app, "GitHub");
  await (await byTestId(app, "account-menu", row.el)).click();
  await click(app, "account-delete");
  await shown(app, "confirm-delete");
  await screenshot(app, "11-delete");
  await click(app, "confirm-delete");
  await app.waitUntil(async () => !(await rows(app)).some((r) => r.issuer === "GitHub"),
    { timeout: 5000, timeoutMsg: "the GitHub row is still there" });
  assert.equal((await rows(app)).length, before - 1);
});

test("locking hides every account; a wrong password is refused, the right one unlocks", async () => {
  await click(app, "lock-button");
  await shown(app, "unlock-password");
  assert.equal((await rows(app)).length, 0);
  await screenshot(app, "12-locked");
  await unlock(app, "wrong password");
  const error = await shown(app, "error", 20_000);
  assert.match(await error.getText(), /wrong password/i);
  await screenshot(app, "13-wrong-password");
  await unlock(app, PASSWORD);
  await waitForRow(app, "ACME", 20_000);
});

test("settings open and close", async () => {
  await click(app, "settings-button");
  await shown(app, "settings-auto-lock");
  await screenshot(app, "14-settings");
  await click(app, "settings-close");
  await waitForRow(app, "ACME");
});

test("on a phone-size window the list, the add dialog and settings fit", async () => {
  await asPhone(app);
  await waitForRow(app, "ACME");
  await screenshot(app, "15-phone-list");
  const add = await shown(app, "add-button");
  const { x } = await add.getLocation();
  const { width } = await add.getSize();
  assert.ok(x + width <= 390, "the add button fits on a phone screen");
  await add.click();
  await click(app, "add-tab-manual");
  await screenshot(app, "16-phone-add");
  await click(app, "dialog-close");
  await click(app, "settings-button");
  await shown(app, "settings-auto-lock");
  await screenshot(app, "17-phone-settings");
  await click(app, "settings-close");
});
