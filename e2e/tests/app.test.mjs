// The app as a person uses it: first run, adding accounts three ways, codes that match the
// CLI, copy, search, rename, delete, lock/unlock, a deep link, and the phone-size layout.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  launch, shown, click, type, screenshot, rows, waitForRow, cli, clipboard, byTestId,
  shownAndExpected,
} from "../lib/app.mjs";

const PASSWORD = "correct horse battery 42";
const SECRET_LINK = "JBSWY3DPEHPK3PXP";
const SECRET_TYPED = "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ";
const SECRET_QR = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
const SECRET_DEEP = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.deleteSession().catch(() => {});
});

test("first run creates a vault with a password", async () => {
  await shown(app, "setup-password", 30_000);
  await screenshot(app, "01-first-run");
  await type(app, "setup-password", PASSWORD);
  await type(app, "setup-password-confirm", PASSWORD);
  await click(app, "setup-create");
  await shown(app, "empty-state", 30_000);
  await screenshot(app, "02-empty");
});

test("an otpauth link is shown for confirmation, then added", async () => {
  await click(app, "add-button");
  await click(app, "add-tab-link");
  await screenshot(app, "03-add-link");
  await type(app, "add-link-input",
    `otpauth://totp/Example:alice%40example.com?secret=${SECRET_LINK}&issuer=Example`);
  await click(app, "add-link-submit");
  const dialog = await shown(app, "pending-dialog");
  assert.match(await dialog.getText(), /alice@example\.com/);
  await screenshot(app, "04-confirm-link");
  await click(app, "pending-confirm");
  const row = await waitForRow(app, "Example");
  assert.equal(row.name, "alice@example.com");
});

test("the code on screen is the CLI's code for the same secret", async () => {
  const { shown: code, expected } = await shownAndExpected(app, "Example", ["--secret", SECRET_LINK]);
  assert.match(code, /^\d{6}$/);
  assert.equal(code, expected);
  const row = await waitForRow(app, "Example");
  assert.match(row.code, /^\d{3} \d{3}$/, "six digits are grouped for reading");
  await screenshot(app, "05-list");
});

test("a typed-in secret with advanced options is added", async () => {
  await click(app, "add-button");
  await click(app, "add-tab-manual");
  await type(app, "manual-issuer", "GitHub");
  await type(app, "manual-name", "bob");
  await type(app, "manual-secret", "not base32!");
  await click(app, "manual-submit");
  await shown(app, "field-error");
  await type(app, "manual-secret", SECRET_TYPED);
  await click(app, "manual-advanced");
  await (await shown(app, "manual-digits")).selectByVisibleText?.("8").catch(() => {});
  const digits = await shown(app, "manual-digits");
  if ((await digits.getValue()) !== "8") await type(app, "manual-digits", "8");
  await screenshot(app, "06-add-manual");
  await click(app, "manual-submit");
  await waitForRow(app, "GitHub");
  const { shown: code, expected } = await shownAndExpected(app, "GitHub",
    ["--secret", SECRET_TYPED.replace(/ /g, ""), "--digits", "8"]);
  assert.match(code, /^\d{8}$/);
  assert.equal(code, expected);
});

test("a QR code image is read and added", async () => {
  const png = join(process.env.E2E_SCRATCH, "acme.png");
  cli(["qr", `otpauth://totp/ACME:carol?secret=${SECRET_QR}&issuer=ACME`, "--png", png]);
  await click(app, "add-button");
  await click(app, "add-tab-image");
  await screenshot(app, "07-add-image");
  const input = byTestId(app, "add-image-input");
  await input.waitForExist({ timeout: 10_000 });
  await input.setValue(png);
  const dialog = await shown(app, "pending-dialog", 30_000);
  assert.match(await dialog.getText(), /carol/);
  await click(app, "pending-confirm");
  await waitForRow(app, "ACME");
  const { shown: code, expected } = await shownAndExpected(app, "ACME", ["--secret", SECRET_QR]);
  assert.equal(code, expected);
});

test("clicking a code copies it and says so", async () => {
  const row = await waitForRow(app, "Example");
  await (await byTestId(app, "account-code", row.el)).click();
  const toast = await shown(app, "toast");
  assert.match(await toast.getText(), /copied/i);
  await screenshot(app, "08-copied");
  const expected = cli(["code", "--secret", SECRET_LINK]);
  let copied = "";
  await app.waitUntil(async () => {
    copied = clipboard().trim();
    return copied === expected || copied.length > 0;
  }, { timeout: 5000 }).catch(() => {});
  // The code may have rolled over between the click and the CLI; accept the previous one.
  const previous = cli(["code", "--secret", SECRET_LINK, "--time", String(Math.floor(Date.now() / 1000) - 30)]);
  assert.ok([expected, previous].includes(copied), `clipboard held "${copied}"`);
});

test("search filters as you type", async () => {
  await type(app, "search", "acm");
  await app.waitUntil(async () => (await rows(app)).length === 1, { timeout: 5000 });
  assert.equal((await rows(app))[0].issuer, "ACME");
  await screenshot(app, "09-search");
  await (await shown(app, "search")).clearValue();
  await type(app, "search", " ");
  await (await shown(app, "search")).clearValue();
  await app.waitUntil(async () => (await rows(app)).length === 3, { timeout: 5000 });
});

test("an account is renamed", async () => {
  const row = await waitForRow(app, "Example");
  await (await byTestId(app, "account-menu", row.el)).click();
  await click(app, "account-edit");
  await type(app, "edit-name", "alice@work.example");
  await screenshot(app, "10-edit");
  await click(app, "edit-save");
  await app.waitUntil(async () => (await waitForRow(app, "Example")).name === "alice@work.example",
    { timeout: 5000 });
});

test("an account is deleted after confirmation", async () => {
  const row = await waitForRow(app, "GitHub");
  await (await byTestId(app, "account-menu", row.el)).click();
  await click(app, "account-delete");
  await shown(app, "confirm-delete");
  await screenshot(app, "11-delete");
  await click(app, "confirm-delete");
  await app.waitUntil(async () => !(await rows(app)).some((r) => r.issuer === "GitHub"),
    { timeout: 5000 });
  assert.equal((await rows(app)).length, 2);
});

test("locking hides everything; a wrong password is refused", async () => {
  await click(app, "lock-button");
  await shown(app, "unlock-password");
  assert.equal((await rows(app)).length, 0);
  await screenshot(app, "12-locked");
  await type(app, "unlock-password", "wrong password");
  await click(app, "unlock-submit");
  const error = await shown(app, "error", 20_000);
  assert.match(await error.getText(), /wrong password/i);
  await screenshot(app, "13-wrong-password");
  await type(app, "unlock-password", PASSWORD);
  await click(app, "unlock-submit");
  await waitForRow(app, "ACME", 20_000);
});

test("settings open and show the vault", async () => {
  await click(app, "settings-button");
  await shown(app, "settings-auto-lock");
  await screenshot(app, "14-settings");
  await click(app, "settings-close");
  await waitForRow(app, "ACME");
});

test("the phone-size layout", async () => {
  await app.setWindowSize(390, 844);
  await app.pause(500);
  await waitForRow(app, "ACME");
  await screenshot(app, "15-phone-list");
  const add = await shown(app, "add-button");
  const { x, width } = await add.getLocation().then(async (loc) => ({ ...loc, ...(await add.getSize()) }));
  assert.ok(x + width <= 390, "the add button fits on a phone screen");
  await add.click();
  await click(app, "add-tab-manual");
  await screenshot(app, "16-phone-add");
  await click(app, "dialog-close");
  await click(app, "settings-button");
  await screenshot(app, "17-phone-settings");
  await click(app, "settings-close");
});

test("an otpauth:// deep link opens Sesame and asks before adding", async () => {
  await app.deleteSession();
  app = await launch([`otpauth://totp/Deep:dave?secret=${SECRET_DEEP}&issuer=Deep`]);
  await type(app, "unlock-password", PASSWORD);
  await click(app, "unlock-submit");
  const dialog = await shown(app, "pending-dialog", 20_000);
  assert.match(await dialog.getText(), /dave/);
  await screenshot(app, "18-deep-link");
  await click(app, "pending-confirm");
  await waitForRow(app, "Deep");
  // The CLI sees what the app saved, through the same Secret Service.
  const listed = cli(["list", "--json", "--password-stdin"], `${PASSWORD}\n`);
  const issuers = listed.split("\n").map((l) => JSON.parse(l).issuer).sort();
  assert.deepEqual(issuers, ["ACME", "Deep", "Example"]);
});
