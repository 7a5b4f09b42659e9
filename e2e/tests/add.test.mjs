// Adding accounts three ways (a link, a typed-in secret, a QR code image) to an empty vault;
// each added account shows the CLI's code for its secret.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  launchWithNewVault, shown, click, type, screenshot, waitForRow, cli, byTestId, shownAndExpected,
  resetView,
} from "../lib/app.mjs";
import { PASSWORD, SECRET_LINK, SECRET_TYPED, SECRET_QR, LINK_EXAMPLE } from "../lib/fixtures.mjs";

let app;

before(async () => {
  app = await launchWithNewVault(PASSWORD);
});

after(async () => {
  await app?.deleteSession();
});

beforeEach(async () => {
  await resetView(app, PASSWORD);
});

test("an otpauth link is shown for confirmation, then added with the CLI's code", async () => {
  await click(app, "add-button");
  await click(app, "add-tab-link");
  await screenshot(app, "03-add-link");
  await type(app, "add-link-input", LINK_EXAMPLE);
  await click(app, "add-link-submit");
  const dialog = await shown(app, "pending-dialog");
  assert.match(await dialog.getText(), /alice@example\.com/);
  await screenshot(app, "04-confirm-link");
  await click(app, "pending-confirm");
  const row = await waitForRow(app, "Example");
  assert.equal(row.name, "alice@example.com");
  const { shown: code, expected } = await shownAndExpected(app, "Example", ["--secret", SECRET_LINK]);
  assert.equal(code, expected);
});

test("a typed-in secret is refused until it is Base32, then added with 8 digits", async () => {
  await click(app, "add-button");
  await click(app, "add-tab-manual");
  await type(app, "manual-issuer", "GitHub");
  await type(app, "manual-name", "bob");
  await type(app, "manual-secret", "not base32!");
  await click(app, "manual-submit");
  const fieldError = await shown(app, "field-error");
  assert.match(await fieldError.getText(), /letters A–Z and the digits 2–7/);
  await type(app, "manual-secret", SECRET_TYPED);
  await click(app, "manual-advanced");
  const digits = await type(app, "manual-digits", "8");
  assert.equal(await digits.getValue(), "8");
  await screenshot(app, "06-add-manual");
  await click(app, "manual-submit");
  await waitForRow(app, "GitHub");
  const { shown: code, expected } = await shownAndExpected(app, "GitHub",
    ["--secret", SECRET_TYPED.replace(/ /g, ""), "--digits", "8"]);
  assert.match(code, /^\d{8}$/);
  assert.equal(code, expected);
});

test("a QR code image is read, confirmed and added", async () => {
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
