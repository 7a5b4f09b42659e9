// What Sesame asks before it acts (issue 12, findings 11 and 9): a time server's answer is
// shown with its offset and applied only when the user says so (more than 5 minutes only
// after an explicit yes), and a secret is revealed only with the vault password.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import {
  launch, shown, click, type, waitForRow, byTestId, makeVault, unlock, resetView, screenshot,
} from "../lib/app.mjs";
import { PASSWORD, LINK_EXAMPLE } from "../lib/fixtures.mjs";

let app;
let ntp;

/** A time server on loopback an hour ahead of this clock, as an on-path attacker answers. */
function anHourAheadServer() {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (request, from) => {
    if (request.length < 48) return;
    const reply = Buffer.alloc(48);
    reply[0] = (4 << 3) | 4; // version 4, server
    reply[1] = 2; // stratum
    request.copy(reply, 24, 40, 48); // echo the client's nonce
    const ahead = Date.now() + 3_600_000;
    const seconds = Math.floor(ahead / 1000) + 2_208_988_800;
    const fraction = Math.floor(((ahead % 1000) / 1000) * 2 ** 32);
    for (const at of [32, 40]) {
      reply.writeUInt32BE(seconds >>> 0, at);
      reply.writeUInt32BE(fraction >>> 0, at + 4);
    }
    socket.send(reply, from.port, from.address);
  });
  return new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve(socket)));
}

before(async () => {
  makeVault(PASSWORD, [LINK_EXAMPLE]);
  ntp = await anHourAheadServer();
  app = await launch();
  await unlock(app, PASSWORD);
  await waitForRow(app, "Example", 30_000);
});

after(async () => {
  await app?.deleteSession();
  ntp?.close();
});

beforeEach(async () => {
  await resetView(app, PASSWORD);
});

test("a time server an hour ahead is shown with its offset and applied only after an explicit yes", async () => {
  await click(app, "settings-button");
  await type(app, "settings-ntp-server", `127.0.0.1:${ntp.address().port}`);
  await click(app, "settings-check-time");
  const check = await shown(app, "settings-time-check", 20_000);
  assert.match(await check.getText(), new RegExp(`127\\.0\\.0\\.1:${ntp.address().port}`));
  assert.match(await (await shown(app, "settings-measured-offset")).getText(), /^\+3600\.\d s$/);
  assert.match(await (await shown(app, "settings-large-offset")).getText(), /more than 5 minutes/);
  await check.scrollIntoView();
  await screenshot(app, "time-large-offset");
  const apply = await shown(app, "settings-apply-offset");
  assert.equal(await apply.isEnabled(), false, "Apply waits for the explicit yes");
  assert.equal(await byTestId(app, "settings-offset").isExisting(), false, "nothing applied yet");
  await click(app, "settings-confirm-offset");
  await apply.click();
  const applied = await shown(app, "settings-offset", 10_000);
  assert.match(await applied.getText(), /^\+3600\.\d s$/);
  await click(app, "settings-close");
});

test("revealing a secret asks for the vault password, and a wrong one shows nothing", async () => {
  const row = await waitForRow(app, "Example");
  await (await byTestId(app, "account-menu", row.el)).click();
  await click(app, "account-reveal");
  await type(app, "reveal-password", "not the password");
  await screenshot(app, "reveal-password");
  await click(app, "reveal-confirm");
  const error = await shown(app, "error", 20_000);
  assert.match(await error.getText(), /wrong password/i);
  assert.equal(await byTestId(app, "reveal-secret").isExisting(), false);
  await type(app, "reveal-password", PASSWORD);
  await click(app, "reveal-confirm");
  assert.equal(await (await shown(app, "reveal-secret", 20_000)).getText(), "JBSWY3DPEHPK3PXP");
});
