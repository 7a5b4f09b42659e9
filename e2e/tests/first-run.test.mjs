// The first run: a new vault with a password, then the empty list that offers to add.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, shown, click, type, screenshot, rows } from "../lib/app.mjs";
import { PASSWORD } from "../lib/fixtures.mjs";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.deleteSession();
});

test("first run creates a vault with a password and shows the empty list", async () => {
  await shown(app, "setup-password", 30_000);
  await screenshot(app, "01-first-run");
  await type(app, "setup-password", PASSWORD);
  await type(app, "setup-password-confirm", PASSWORD);
  await click(app, "setup-create");
  const empty = await shown(app, "empty-state", 30_000);
  assert.match(await empty.getText(), /No accounts yet/);
  assert.equal((await rows(app)).length, 0);
  await screenshot(app, "02-empty");
});
