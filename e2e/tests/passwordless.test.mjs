// A vault without a password (the device key alone opens it) opens by itself at launch, as
// in GNOME Authenticator and Aegis; after a lock, one button opens it again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, shown, click, screenshot, waitForRow, rows, byTestId, cli } from "../lib/app.mjs";
import { LINK_EXAMPLE } from "../lib/fixtures.mjs";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

let app;

before(async () => {
  cli(["init", "--no-password"]);
  const file = join(process.env.E2E_SCRATCH, `passwordless-${process.pid}.txt`);
  writeFileSync(file, LINK_EXAMPLE + "\n");
  cli(["import", file]);
  app = await launch();
});

after(async () => {
  await app?.deleteSession();
});

test("the app starts on the accounts, with no unlock screen", async () => {
  await waitForRow(app, "Example", 20_000);
  assert.equal(await byTestId(app, "unlock-submit").isExisting(), false);
  await screenshot(app, "passwordless-launch");
});

test("after a lock, one button without a password opens it again", async () => {
  await waitForRow(app, "Example", 20_000);
  await click(app, "lock-button");
  await shown(app, "unlock-submit");
  assert.equal(await byTestId(app, "unlock-password").isExisting(), false);
  assert.equal((await rows(app)).length, 0);
  await screenshot(app, "passwordless-locked");
  await click(app, "unlock-submit");
  await waitForRow(app, "Example", 20_000);
});
