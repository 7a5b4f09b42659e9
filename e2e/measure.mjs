// Figures for the closing note, from whatever app SESAME_APP points at (use a release
// build): time from launch to the first code on screen with a 100-account vault, resident
// memory of the app and of its WebKit processes, and the binary's size.
// Run through e2e/run-measure (which sets up Xvfb, tauri-driver and a Secret Service).
import { readFileSync, statSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, cli, rows } from "./lib/app.mjs";

const N = 100;
const runs = Number(process.env.MEASURE_RUNS ?? 5);

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Resident memory split by who pays for it: /proc/PID/smaps_rollup, in KiB. Shared_Clean is
 * mostly library code (GTK, WebKit) that other programs map too; Private_Dirty is this
 * process's own heap and data. */
function memoryParts(pid) {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? 0);
  return {
    rss: field("Rss"), pss: field("Pss"), sharedClean: field("Shared_Clean"),
    privateClean: field("Private_Clean"), privateDirty: field("Private_Dirty"),
  };
}

/** When process `pid` started (ms since the epoch; /proc's resolution is one clock tick). */
function processStartMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[19]); // field 22 of stat: start time in ticks since boot
  // The boot moment from /proc/uptime (10 ms resolution; /proc/stat's btime is whole seconds).
  const bootMs = Date.now() - Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
  const hz = 100; // USER_HZ on Linux
  return bootMs + (ticks * 1000) / hz;
}

function processes(pattern) {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0")[0].endsWith(pattern);
      } catch {
        return false;
      }
    });
}

// A vault with N accounts, no password (so the figure is the app, not Argon2).
cli(["init", "--no-password"]);
const links = [];
for (let i = 0; i < N; i++) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let s = "";
  for (let j = 0; j < 32; j++) s += alphabet[(i * 7 + j * 13) % 32];
  links.push(`otpauth://totp/Issuer${i}:user${i}%40example.com?secret=${s}&issuer=Issuer${i}`);
}
const listFile = join(process.env.E2E_SCRATCH, "links.txt");
writeFileSync(listFile, links.join("\n") + "\n");
cli(["import", listFile]);

const times = [];
let memory;
for (let r = 0; r < runs; r++) {
  const start = performance.now();
  const app = await launch();
  // A vault without a password opens at launch: the accounts are the first screen.
  await app.waitUntil(async () => {
    const code = await app.$('[data-testid="account-code"]');
    return (await code.isExisting()) && /\d/.test(await code.getText());
  }, { timeout: 30_000, interval: 20 });
  const end = performance.now();
  // Where the time went, from the page's own clock and the app process's start time.
  const page = await app.execute(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const mark = performance.getEntriesByName("sesame:first-codes")[0];
    return { origin: performance.timeOrigin, domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
      firstCodes: mark?.startTime ?? null };
  });
  const [pid] = processes("sesame-app");
  const processStart = pid ? processStartMs(pid) : null;
  times.push({
    total: end - start,
    nativeStart: processStart ? page.origin - processStart : null,
    pageLoad: page.domContentLoaded,
    sesameWork: page.firstCodes !== null && page.domContentLoaded !== null ? page.firstCodes - page.domContentLoaded : null,
  });
  if (r === runs - 1) {
    await app.pause(3000);
    const shown = (await rows(app)).length;
    const appPids = processes("sesame-app");
    const web = processes("WebKitWebProcess");
    const net = processes("WebKitNetworkProcess");
    memory = {
      accounts: shown,
      appKiB: appPids.reduce((a, p) => a + rssKiB(p), 0),
      webProcessKiB: web.reduce((a, p) => a + rssKiB(p), 0),
      networkProcessKiB: net.reduce((a, p) => a + rssKiB(p), 0),
      parts: Object.fromEntries([["app", appPids], ["web", web], ["network", net]]
        .map(([name, pids]) => [name, pids.map(memoryParts)])),
    };
  }
  await app.deleteSession();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({
  runs,
  launchToFirstCodeMs: median(times.map((t) => t.total)).toFixed(0),
  launchToFirstCodeAllMs: times.map((t) => t.total.toFixed(0)),
  // The parts, medians: process start → page start (GTK, WebKit's processes, Tauri), page start
  // → DOMContentLoaded (the UI's JS), → first codes painted (status, list, codes, render).
  // What the total has beyond their sum is WebDriver's session set-up and polling.
  nativeStartMs: median(times.map((t) => t.nativeStart ?? NaN)).toFixed(0),
  pageLoadMs: median(times.map((t) => t.pageLoad ?? NaN)).toFixed(0),
  sesameWorkMs: median(times.map((t) => t.sesameWork ?? NaN)).toFixed(0),
  memory,
  binaryBytes: statSync(process.env.SESAME_APP).size,
}, null, 2));
