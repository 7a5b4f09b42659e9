// An older vault file put back in place of the newest (a restore, a sync tool, someone undoing
// changes): the app refuses it with a message of its own on the unlock screen, and opens it
// only when the user asks to and confirms, with the password still needed. Afterwards the
// older copy counts as the newest, for the CLI too.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, shown, click, type, screenshot, cli, makeVault, rows, waitForRow } from "../lib/app.mjs";
import { LINK_EXAMPLE, LINK_GITHUB, PASSWORD } from "../lib/fixtures.mjs";

let app;

after(async () => {
  await app?.deleteSession();
});

/** `Issuer` of every account in the vault, through the CLI. */
function issuersByCli() {
  return cli(["list", "--json", "--password-stdin"], `${PASSWORD}\n`)
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line).issuer);
}

test("an older vault file is refused with its own message and opens only after the user confirms", async () => {
  makeVault(PASSWORD, [LINK_EXAMPLE]);
  const vault = join(process.env.XDG_DATA_HOME, "sesame", "vault");
  assert.ok(existsSync(vault), `the vault is at ${vault}`);
  const older = join(process.env.E2E_SCRATCH, "vault-older");
  copyFileSync(vault, older);
  const links = join(process.env.E2E_SCRATCH, "rollback-links.txt");
  writeFileSync(links, `${LINK_GITHUB}\n`);
  cli(["import", links, "--password-stdin"], `${PASSWORD}\n`);
  assert.deepEqual(issuersByCli().sort(), ["Example", "GitHub"]);
  copyFileSync(older, vault);

  app = await launch();
  await type(app, "unlock-password", PASSWORD);
  await click(app, "unlock-submit");
  const error = await shown(app, "error", 30_000);
  assert.match(await error.getText(), /^This vault file is older than the last one saved on this device/);
  await screenshot(app, "rollback-refused");
  assert.equal(await (await app.$('[data-testid="account-row"]')).isExisting(), false, "still locked");

  await click(app, "unlock-older-copy");
  const confirm = await shown(app, "older-confirm");
  assert.match(await confirm.getText(), /gone from this computer/);
  await screenshot(app, "rollback-confirm");
  await click(app, "older-open");

  await waitForRow(app, "Example", 30_000);
  assert.deepEqual((await rows(app)).map((r) => r.issuer), ["Example"]);
  await screenshot(app, "rollback-opened");
  // The older copy is now the newest: the CLI opens it without being told to accept it.
  assert.deepEqual(issuersByCli(), ["Example"]);
});
