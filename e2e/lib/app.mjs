// Helpers for driving the real Sesame app through tauri-driver (WebDriver classic).
import { remote } from "webdriverio";
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const OUT = process.env.E2E_OUT ?? "output";
mkdirSync(OUT, { recursive: true });

/** Starts the app (a new process) with `args` on its command line. */
export async function launch(args = []) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: Number(process.env.E2E_DRIVER_PORT),
    logLevel: "warn",
    connectionRetryTimeout: Number(process.env.E2E_REQUEST_TIMEOUT ?? 120_000),
    capabilities: {
      "tauri:options": { application: process.env.SESAME_APP, args },
      "wdio:enforceWebDriverClassic": true,
    },
  });
  await browser.setTimeout({ implicit: 0 });
  launchRects.set(browser, await browser.getWindowRect());
  return browser;
}

/** Each session's window as it opened (resetView brings it back). */
const launchRects = new WeakMap();

/** The element with `data-testid=id` (optionally inside `scope`). */
export function byTestId(browser, id, scope) {
  const selector = `[data-testid="${id}"]`;
  return scope ? scope.$(selector) : browser.$(selector);
}

/** Waits until the element with `data-testid=id` is displayed, and returns it. */
export async function shown(browser, id, timeout = 15_000) {
  const el = byTestId(browser, id);
  await el.waitForDisplayed({ timeout, timeoutMsg: `${id} was not shown within ${timeout} ms` });
  return el;
}

/** Clicks the element once it shows and is enabled (a click on a disabled button would do nothing, silently). */
export async function click(browser, id) {
  const el = await shown(browser, id);
  await el.waitForEnabled({ timeout: 15_000, timeoutMsg: `${id} stayed disabled` });
  await el.click();
  return el;
}

export async function type(browser, id, text) {
  const el = await shown(browser, id);
  await el.clearValue();
  await el.setValue(text);
  return el;
}

/**
 * Saves a screenshot of the app's window as e2e/output/NAME.png. It is taken from the X
 * display (what a person sees), because WebKitWebDriver's own screenshot stalls on pages
 * that repaint every second, like the code list.
 */
export async function screenshot(browser, name) {
  await browser.pause(300); // let transitions settle
  const { x, y, width, height } = await browser.getWindowRect();
  execFileSync("import", [
    "-display", process.env.DISPLAY, "-window", "root",
    "-crop", `${width}x${height}+${Math.max(0, x)}+${Math.max(0, y)}`, "+repage",
    join(OUT, `${name}.png`),
  ], { timeout: 20_000 });
}

/** The account rows, as {issuer, name, id, code}. */
export async function rows(browser) {
  const els = await browser.$$('[data-testid="account-row"]');
  const out = [];
  for (const el of els) {
    if (!(await el.isDisplayed())) continue;
    const code = await byTestId(browser, "account-code", el);
    out.push({
      id: await el.getAttribute("data-id"),
      issuer: await el.getAttribute("data-issuer"),
      name: await el.getAttribute("data-name"),
      code: (await code.isExisting()) ? (await code.getText()).trim() : null,
      el,
    });
  }
  return out;
}

/** Waits for a row whose issuer is `issuer` and returns it. */
export async function waitForRow(browser, issuer, timeout = 15_000) {
  let found;
  await browser.waitUntil(
    async () => {
      found = (await rows(browser)).find((r) => r.issuer === issuer);
      return Boolean(found);
    },
    { timeout, timeoutMsg: `no account row for ${issuer}` },
  );
  return found;
}

/**
 * Makes the app's next file dialog (open or save) choose `path`, or cancel when `path` is
 * "" (the debug app reads the file e2e/run names in SESAME_E2E_PICKS, instead of opening
 * the native dialog, which WebDriver cannot drive). A save onto an existing file counts as
 * confirmed, as the native dialog asks before returning one.
 */
export function willPick(path) {
  const queue = process.env.SESAME_E2E_PICKS;
  if (!queue) throw new Error("SESAME_E2E_PICKS is not set: run the tests through e2e/run");
  appendFileSync(queue, `${path}\n`);
}

/** Runs the `sesame` CLI and returns its stdout. */
export function cli(args, input) {
  return execFileSync(process.env.SESAME_CLI, args, {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

/** What the X clipboard holds now (the app owns it; xclip asks for it). */
export function clipboard() {
  try {
    return execFileSync("xclip", ["-o", "-selection", "clipboard"], {
      encoding: "utf8",
      timeout: 5000,
    });
  } catch {
    return "";
  }
}

/**
 * Reads the code shown for `issuer` and the CLI's code for `secret` at the same moment;
 * retries when a period boundary falls between the two reads.
 */
export async function shownAndExpected(browser, issuer, cliArgs) {
  for (let attempt = 0; attempt < 4; attempt++) {
    const before = Math.floor(Date.now() / 30_000);
    const row = await waitForRow(browser, issuer);
    const expected = cli(["code", ...cliArgs]);
    const after = Math.floor(Date.now() / 30_000);
    if (before === after && row.code) return { shown: row.code.replace(/\s/g, ""), expected };
    await browser.pause(1500);
  }
  throw new Error("could not read a code away from a period boundary");
}

/**
 * Creates this test file's vault with the CLI, holding the accounts of `links` (otpauth://
 * links), so a test file starts from a known vault without driving the first-run screens.
 * The key derivation is cheap (8 MiB, one pass) to keep unlocking fast.
 */
export function makeVault(password, links = []) {
  cli(["init", "--password-stdin", "--kdf-memory-mib", "8", "--kdf-passes", "1"], `${password}\n`);
  if (links.length > 0) {
    const file = join(process.env.E2E_SCRATCH, `links-${process.pid}.txt`);
    writeFileSync(file, links.join("\n") + "\n");
    cli(["import", file, "--password-stdin"], `${password}\n`);
  }
}

/** Types the password into the unlock screen and submits it. */
export async function unlock(browser, password) {
  await type(browser, "unlock-password", password);
  await click(browser, "unlock-submit");
}

/** A phone held upright, in CSS pixels. */
export const PHONE = { width: 390, height: 844 };

/**
 * Puts the window in the screen's top-left corner at a phone's size: moved as well as
 * resized, or its bottom would hang off Xvfb's 900-pixel-high screen and be cut from the
 * screenshots. Returns a function that puts it back where it was.
 */
export async function asPhone(browser) {
  const rect = await browser.getWindowRect();
  await browser.setWindowRect(0, 0, PHONE.width, PHONE.height);
  await browser.pause(500);
  return async () => {
    await browser.setWindowRect(rect.x, rect.y, rect.width, rect.height);
    await browser.pause(300);
  };
}

/**
 * The start of most test files: a new empty vault made with `password` by the CLI, the app
 * launched (with its window at the screen's top left at `window` = `{ width, height }` if
 * given), unlocked, and showing the empty list. Resolves to the session.
 */
export async function launchWithNewVault(password, { window } = {}) {
  makeVault(password);
  const browser = await launch();
  if (window) await browser.setWindowRect(0, 0, window.width, window.height);
  await unlock(browser, password);
  await shown(browser, "empty-state", 30_000);
  return browser;
}

/**
 * Brings a shared session back to the unlocked account list as it opened: no dialog or menu
 * open, an empty search, the launch window size. Each test starts from here, so one that
 * fails half-way does not leave the next one a dialog to trip over.
 */
export async function resetView(browser, password) {
  const rect = launchRects.get(browser);
  const now = await browser.getWindowRect();
  if (rect && (now.width !== rect.width || now.height !== rect.height)) {
    await browser.setWindowSize(rect.width, rect.height);
  }
  if (await byTestId(browser, "unlock-password").isDisplayed()) {
    await unlock(browser, password);
  }
  // Escape closes the top dialog or an open menu; at most a menu and two dialogs deep.
  for (let i = 0; i < 3; i++) {
    const open = (await browser.$$('[role="dialog"], [role="menu"]')).length > 0;
    if (!open) break;
    await browser.keys("Escape");
    await browser.pause(100);
  }
  await browser.waitUntil(async () => (await browser.$$('[role="dialog"], [role="menu"]')).length === 0, {
    timeout: 5000,
    timeoutMsg: "a dialog or menu stayed open",
  });
  const search = await shown(browser, "search");
  if ((await search.getValue()) !== "") {
    // Escape in the search box clears it (an input event, which clearValue alone may not send).
    await search.click();
    await browser.keys("Escape");
    await browser.waitUntil(async () => (await search.getValue()) === "", {
      timeout: 5000,
      timeoutMsg: "the search did not clear",
    });
  }
}
