// Importing other apps' exports through the app, as someone leaving 2FAS or Aegis would: the
// file goes into the image/file input, the app asks for the export's password in the other
// app's name, the confirm dialog accounts for every entry, and the vault ends up with the
// very accounts `sesame import --dry-run` reads from the same file.
//
// The exports are real ones from other authenticators' test suites, read where they lie in
// ../shared/corpus/imports (their licences are not Sesame's, so they are not copied here).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  launchWithNewVault, shown, click, type, screenshot, cli, byTestId, resetView,
} from "../lib/app.mjs";
import { PASSWORD } from "../lib/fixtures.mjs";

const IMPORTS = fileURLToPath(new URL("../../../shared/corpus/imports/", import.meta.url));
const TWOFAS = join(IMPORTS, "stratum/twofas.encrypted.2fas");
const AEGIS = join(IMPORTS, "gnome-authenticator/aegis_encrypted.json");
const EXPORT_PASSWORD = "test";

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

/** `Issuer: name` of every account the CLI reads from `file` without a vault. */
function labelsByCli(file) {
  const out = cli(["import", file, "--dry-run", "--json", "--password-stdin"], `${EXPORT_PASSWORD}\n`);
  return out.split("\n").filter(Boolean).map((line) => {
    const a = JSON.parse(line);
    return a.issuer ? `${a.issuer}: ${a.account}` : a.account;
  });
}

/** `Issuer: name` of every account in the vault, through the CLI. */
function labelsInVault() {
  const out = cli(["list", "--json", "--password-stdin"], `${PASSWORD}\n`);
  return out.split("\n").filter(Boolean).map((line) => {
    const a = JSON.parse(line);
    return a.issuer ? `${a.issuer}: ${a.account}` : a.account;
  });
}

/** Picks `file` in the add dialog's file input, then answers the export password prompt. */
async function importWithPassword(file, appName, shot) {
  await click(app, "add-button");
  await click(app, "add-tab-image");
  const input = byTestId(app, "add-image-input");
  await input.waitForExist({ timeout: 10_000 });
  await input.setValue(file);
  const message = await shown(app, "backup-message", 30_000);
  assert.match(await message.getText(), new RegExp(`This ${appName} export is encrypted`));
  await type(app, "backup-password", "not the password");
  await click(app, "backup-open");
  await app.waitUntil(async () => /Wrong password for this/.test(await (await app.$("body")).getText()), {
    timeout: 30_000,
    timeoutMsg: "a wrong export password was not refused",
  });
  await screenshot(app, `${shot}-wrong-password`);
  const field = byTestId(app, "backup-password");
  await field.clearValue();
  await type(app, "backup-password", EXPORT_PASSWORD);
  await click(app, "backup-open");
  return shown(app, "pending-dialog", 60_000);
}

test("an encrypted 2FAS export: its password is asked for, every entry is accounted for, and all are added", async () => {
  const expected = labelsByCli(TWOFAS);
  assert.ok(expected.length > 0);
  const before = labelsInVault();
  const dialog = await importWithPassword(TWOFAS, "2FAS", "import-2fas");
  assert.match(await dialog.getText(), /from the 2FAS export\?/);
  const summary = await shown(app, "pending-summary");
  assert.match(await summary.getText(), new RegExp(`^${expected.length} entries in this 2FAS export: ${expected.length} new\\.`));
  await screenshot(app, "import-2fas-confirm");
  await click(app, "pending-confirm");
  await app.waitUntil(async () => labelsInVault().length === before.length + expected.length, {
    timeout: 15_000,
    timeoutMsg: "the 2FAS accounts did not reach the vault",
  });
  assert.deepEqual(labelsInVault().slice(before.length).sort(), [...expected].sort());
  await screenshot(app, "import-2fas-added");
});

test("an encrypted Aegis vault: the same, and importing it twice adds nothing new", async () => {
  const expected = labelsByCli(AEGIS);
  assert.ok(expected.length > 0);
  const before = labelsInVault();
  const dialog = await importWithPassword(AEGIS, "Aegis", "import-aegis");
  assert.match(await dialog.getText(), /from the Aegis export\?/);
  await screenshot(app, "import-aegis-confirm");
  await click(app, "pending-confirm");
  await app.waitUntil(async () => labelsInVault().length === before.length + expected.length, {
    timeout: 15_000,
    timeoutMsg: "the Aegis accounts did not reach the vault",
  });
  await resetView(app, PASSWORD);
  await importWithPassword(AEGIS, "Aegis", "import-aegis-again");
  const summary = await shown(app, "pending-summary");
  assert.match(await summary.getText(), new RegExp(`0 new, ${expected.length} already in your vault`));
  await screenshot(app, "import-aegis-again");
});
