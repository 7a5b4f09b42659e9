// The app as installed from the package (scripts/check-package points SESAME_APP into the
// throw-away root it installed the .deb into): it starts and shows its first-run screen.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { launch, shown, screenshot } from "../lib/app.mjs";

let app;

after(async () => {
  await app?.deleteSession().catch(() => {});
});

test("the installed app opens on its first-run screen", async () => {
  app = await launch();
  const field = await shown(app, "setup-password", 30_000);
  assert.ok(await field.isEnabled(), "the first-run password field takes input");
  await screenshot(app, "package-first-run");
});
