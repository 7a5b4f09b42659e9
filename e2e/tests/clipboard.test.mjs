// The clipboard after a copied code (issue 12, finding 12): the code is marked to stay out
// of clipboard histories, a lock clears it unless the user copied something else since, and
// quitting (SIGTERM, as at logout) leaves no code behind even with a clipboard manager
// (xclipboard) that keeps whatever it sees.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import {
  launch, shown, click, waitForRow, byTestId, clipboard, makeVault, unlock, screenshot, cli,
} from "../lib/app.mjs";
import { PASSWORD, SECRET_LINK, LINK_EXAMPLE } from "../lib/fixtures.mjs";

let app;
/** Processes this file started (xclip serving the user's text, xclipboard). */
const started = [];

before(async () => {
  makeVault(PASSWORD, [LINK_EXAMPLE]);
  app = await launch();
  await unlock(app, PASSWORD);
  await waitForRow(app, "Example", 30_000);
});

after(async () => {
  await app?.deleteSession().catch(() => {});
  for (const child of started) child.kill();
});

/** The codes of the Example account around now (a copy may fall either side of a step). */
function exampleCodes() {
  const now = Math.floor(Date.now() / 1000);
  return [now - 30, now, now + 30].map((t) => cli(["code", "--secret", SECRET_LINK, "--time", String(t)]));
}

/** Clicks the Example code and waits until the clipboard holds it; returns it. */
async function copyExample() {
  const row = await waitForRow(app, "Example");
  await (await byTestId(app, "account-code", row.el)).click();
  let copied = "";
  await app.waitUntil(async () => exampleCodes().includes((copied = clipboard().trim())), {
    timeout: 10_000,
    timeoutMsg: "the clipboard never held the Example code",
  });
  return copied;
}

/** The user copies `text` in another program (xclip keeps serving it). */
async function userCopies(text) {
  const child = spawn("xclip", ["-i", "-selection", "clipboard"], { stdio: ["pipe", "ignore", "ignore"] });
  started.push(child);
  child.stdin.end(text);
  await app.waitUntil(async () => clipboard() === text, { timeout: 5000, timeoutMsg: "xclip did not take the clipboard" });
}

async function lockAndUnlock() {
  await click(app, "lock-button");
  await shown(app, "unlock-password");
  // Lock clears at once; give the X server a moment to pass the change on.
  await app.pause(300);
  const after = clipboard();
  await unlock(app, PASSWORD);
  await waitForRow(app, "Example", 20_000);
  return after;
}

test("a copied code carries the hint that keeps it out of clipboard histories", async () => {
  await copyExample();
  const targets = execFileSync("xclip", ["-o", "-selection", "clipboard", "-t", "TARGETS"], { encoding: "utf8", timeout: 5000 });
  assert.match(targets, /x-kde-passwordManagerHint/, `the clipboard offers only: ${targets}`);
  const hint = execFileSync("xclip", ["-o", "-selection", "clipboard", "-t", "x-kde-passwordManagerHint"], { encoding: "utf8", timeout: 5000 });
  assert.equal(hint, "secret");
});

test("locking clears a code still on the clipboard", async () => {
  const code = await copyExample();
  const after = await lockAndUnlock();
  assert.notEqual(after.trim(), code, "the code stayed on the clipboard after locking");
  assert.equal(after, "");
});

test("locking leaves text the user copied after the code alone", async () => {
  await copyExample();
  await userCopies("the user's own note");
  const after = await lockAndUnlock();
  assert.equal(after, "the user's own note");
});

test("quitting leaves no code on the clipboard, even with a clipboard manager keeping it", async () => {
  // xclipboard takes over whatever is copied and serves it after its owner is gone.
  const manager = spawn("xclipboard", [], { stdio: "ignore" });
  started.push(manager);
  await app.pause(1000);
  const code = await copyExample();
  await screenshot(app, "clipboard-copied");
  // The session ends (a logout sends SIGTERM): the app quits the way closing its window
  // does. (WebDriver's own "close window" kills the process outright, which nothing survives.)
  const pids = () => {
    try {
      return execFileSync("pgrep", ["-x", "-f", process.env.SESAME_APP], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
    } catch {
      return [];
    }
  };
  const running = () => pids().length > 0;
  assert.equal(pids().length, 1, "exactly one app runs");
  process.kill(Number(pids()[0]), "SIGTERM");
  for (let i = 0; i < 150 && running(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(running(), false, "the app did not quit when its window closed");
  await new Promise((r) => setTimeout(r, 500));
  const after = clipboard().trim();
  assert.notEqual(after, code, "a clipboard manager still holds the code after the app quit");
});
