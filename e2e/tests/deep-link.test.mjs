// An otpauth:// link Sesame is started with: asked about once the vault is unlocked, then
// saved where the CLI sees it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, shown, click, screenshot, waitForRow, cli, makeVault, unlock } from "../lib/app.mjs";
import { PASSWORD, SECRET_DEEP, LINK_EXAMPLE, LINK_ACME } from "../lib/fixtures.mjs";

let app;

before(async () => {
  makeVault(PASSWORD, [LINK_EXAMPLE, LINK_ACME]);
  app = await launch([`otpauth://totp/Deep:dave?secret=${SECRET_DEEP}&issuer=Deep`]);
});

after(async () => {
  await app?.deleteSession();
});

test("an otpauth:// deep link opens Sesame and asks before adding", async () => {
  await unlock(app, PASSWORD);
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
