// Files through the shell's own dialogs: the web view never names a path. "Choose file…"
// and the exports ask the shell to show its dialog (here the debug app's stand-in, fed by
// `willPick`), the shell hands back a one-use token, and the commands read or write only
// the file that token stands for. A path or a spent token sent by a script in the web view
// is refused, and nothing is read or written.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  launch, shown, click, type, screenshot, cli, makeVault, unlock, resetView, waitForRow,
  shownAndExpected, willPick,
} from "../lib/app.mjs";
import { LINK_EXAMPLE, PASSWORD, SECRET_QR } from "../lib/fixtures.mjs";

const BACKUP_PASSWORD = "backup password 42";
const scratch = (name) => join(process.env.E2E_SCRATCH, `files-${name}`);

let app;

before(async () => {
  makeVault(PASSWORD, [LINK_EXAMPLE]);
  app = await launch();
  await unlock(app, PASSWORD);
  await waitForRow(app, "Example", 30_000);
});

after(async () => {
  await app?.deleteSession();
});

beforeEach(async () => {
  await resetView(app, PASSWORD);
});

/** Calls a shell command straight from the web view, as a hostile script there could. */
async function invokeFromPage(cmd, args) {
  // No key named `error` in the answer: WebDriver clients take such a value for a failure.
  return app.executeAsync(
    (call, done) =>
      window.__TAURI_INTERNALS__.invoke(call.cmd, call.args).then(
        (v) => done({ ok: true, value: v }),
        (e) => done({ ok: false, refused: typeof e === "string" ? { kind: "plugin", message: e } : e }),
      ),
    { cmd, args },
  );
}

/** Opens the Import and export dialog with the vault password typed in. */
async function openTransfer() {
  await click(app, "transfer-button");
  await shown(app, "transfer-dialog");
  await type(app, "export-vault-password", PASSWORD);
}

test("a QR image chosen in the shell's open dialog is read through its token and added", async () => {
  const png = scratch("acme.png");
  cli(["qr", `otpauth://totp/ACME:carol?secret=${SECRET_QR}&issuer=ACME`, "--png", png]);
  willPick(png);
  await click(app, "add-button");
  await click(app, "add-tab-image");
  await click(app, "add-image-choose");
  const dialog = await shown(app, "pending-dialog", 30_000);
  assert.match(await dialog.getText(), /carol/);
  await screenshot(app, "files-open-dialog-qr");
  await click(app, "pending-confirm");
  const { shown: code, expected } = await shownAndExpected(app, "ACME", ["--secret", SECRET_QR]);
  assert.equal(code, expected);
});

test("a cancelled open dialog reads nothing and says nothing", async () => {
  willPick("");
  await click(app, "add-button");
  await click(app, "add-tab-image");
  await click(app, "add-image-choose");
  await app.pause(500);
  assert.equal(await (await app.$('[data-testid="pending-dialog"]')).isDisplayed(), false);
  assert.equal(await (await app.$('[data-testid="error"]')).isDisplayed(), false);
});

test("exports go where the save dialog chose, and replace a file only as that dialog confirmed", async () => {
  const backup = scratch("backup.sesame");
  const links = scratch("links.txt");
  writeFileSync(links, "an older list\n");
  await openTransfer();

  willPick(backup);
  await click(app, "export-backup");
  await type(app, "export-backup-password", BACKUP_PASSWORD);
  await type(app, "export-backup-password-confirm", BACKUP_PASSWORD);
  await click(app, "export-backup-save");
  const dialog = await shown(app, "transfer-dialog");
  await app.waitUntil(async () => /Saved \d+ accounts? to files-backup\.sesame\./.test(await dialog.getText()), {
    timeout: 60_000,
    timeoutMsg: "the backup was not reported saved by its file name",
  });
  assert.doesNotMatch(await dialog.getText(), new RegExp(process.env.E2E_SCRATCH), "the web view shows the name, not the folder");
  const inBackup = cli(["import", backup, "--dry-run", "--json", "--password-stdin"], `${BACKUP_PASSWORD}\n`);
  assert.match(inBackup, /"issuer":"Example"/);

  // links.txt exists: the native save dialog would have asked "Replace it?" before returning it.
  willPick(links);
  await click(app, "export-otpauth");
  await app.waitUntil(async () => /Saved \d+ links? to files-links\.txt\./.test(await dialog.getText()), {
    timeout: 30_000,
    timeoutMsg: "the link list was not reported saved",
  });
  await screenshot(app, "files-exported");
  const text = readFileSync(links, "utf8");
  assert.match(text, /^otpauth:\/\/totp\/Example:alice%40example\.com\?/m);
  assert.doesNotMatch(text, /an older list/);
});

test("a backup chosen in the dialog keeps its token through a wrong password, then opens", async () => {
  const backup = scratch("old.sesame");
  // A backup of this vault, written through the app's save dialog.
  willPick(backup);
  await openTransfer();
  await click(app, "export-backup");
  await type(app, "export-backup-password", BACKUP_PASSWORD);
  await type(app, "export-backup-password-confirm", BACKUP_PASSWORD);
  await click(app, "export-backup-save");
  const transfer = await shown(app, "transfer-dialog");
  await app.waitUntil(async () => /Saved .* to files-old\.sesame\./.test(await transfer.getText()), {
    timeout: 60_000,
    timeoutMsg: "the backup was not saved",
  });

  willPick(backup);
  await click(app, "import-choose");
  const message = await shown(app, "backup-message", 30_000);
  assert.match(await message.getText(), /Sesame backup/);
  assert.match(await transfer.getText(), /files-old\.sesame/);
  await type(app, "backup-password", "not the password");
  await click(app, "backup-open");
  await app.waitUntil(async () => /Wrong backup password/.test(await transfer.getText()), {
    timeout: 30_000,
    timeoutMsg: "a wrong backup password was not refused",
  });
  await type(app, "backup-password", BACKUP_PASSWORD);
  await click(app, "backup-open");
  const pending = await shown(app, "pending-dialog", 60_000);
  assert.match(await pending.getText(), /alice@example\.com/);
  await screenshot(app, "files-backup-opened");
});

test("a path or a spent token sent from the web view is refused, and nothing is read or written", async () => {
  const target = scratch("planted.txt");
  let r = await invokeFromPage("export_otpauth", { fileToken: target, vaultPassword: PASSWORD });
  assert.equal(r.ok, false);
  assert.equal(r.refused.kind, "invalid_input");
  assert.match(r.refused.message, /chosen in its own file dialogs/);
  assert.equal(existsSync(target), false, "nothing was written");

  const secret = scratch("secret.txt");
  writeFileSync(secret, `${LINK_EXAMPLE}\n`);
  r = await invokeFromPage("scan_file", { fileToken: secret });
  assert.equal(r.ok, false);
  assert.equal(r.refused.kind, "invalid_input");

  // A real token, spent once: the second use is refused.
  willPick(secret);
  r = await invokeFromPage("pick_open_file", { kind: "import" });
  assert.equal(r.ok, true);
  assert.equal(r.value.file_name, "files-secret.txt");
  assert.doesNotMatch(JSON.stringify(r.value), /\//, "no path reaches the web view");
  const first = await invokeFromPage("scan_file", { fileToken: r.value.token });
  assert.equal(first.ok, true);
  await invokeFromPage("discard_pending", { pendingId: first.value.pending_id });
  const again = await invokeFromPage("scan_file", { fileToken: r.value.token });
  assert.equal(again.ok, false);
  assert.equal(again.refused.kind, "not_found");

  // A token chosen for reading does not write.
  willPick(secret);
  r = await invokeFromPage("pick_open_file", { kind: "import" });
  const write = await invokeFromPage("export_otpauth", { fileToken: r.value.token, vaultPassword: PASSWORD });
  assert.equal(write.ok, false);
  assert.equal(readFileSync(secret, "utf8"), `${LINK_EXAMPLE}\n`);

  // The dialog plugin's own commands are not granted to the web view any more.
  const plugin = await invokeFromPage("plugin:dialog|open", { options: {} });
  assert.equal(plugin.ok, false);
});
