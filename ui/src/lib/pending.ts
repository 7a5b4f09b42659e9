// What the confirm dialog shows for accounts found in a link, an image, the screen or a file.
import type { Kind, Pending, PendingAccount } from "./api";
import { plural } from "./format";

/** Accounts start checked, except those already in the vault. */
export function initialChecked(p: Pending): boolean[] {
  return p.accounts.map((a) => !a.duplicate);
}

/** Indices of the checked accounts, for confirm_pending. */
export function checkedIndices(checked: readonly boolean[]): number[] {
  return checked.flatMap((c, i) => (c ? [i] : []));
}

const FROM: Record<string, string> = {
  link: "a link",
  "deep link": "a link",
  image: "the image",
  screen: "the screen",
  file: "the file",
  backup: "the backup",
};

export function pendingTitle(p: Pending): string {
  const n = p.accounts.length;
  if (p.source === "deep link") return n === 1 ? "Add this account from a link?" : `Add these ${n} accounts from a link?`;
  if (n === 0) return "No accounts found";
  const from = p.format ? `the ${p.format} export` : (FROM[p.source] ?? p.source);
  return n === 1 ? `Add this account from ${from}?` : `Add ${n} accounts from ${from}?`;
}

/** "12 entries in this 2FAS export: 10 new, 1 already in your vault, 1 skipped." — every entry accounted for. */
export function importSummary(p: Pending): string | null {
  if (!p.format) return null;
  const dup = p.accounts.filter((a) => a.duplicate).length;
  const found = p.accounts.length + p.skipped.length;
  const parts = [`${p.accounts.length - dup} new`];
  if (dup) parts.push(`${dup} already in your vault`);
  if (p.skipped.length) parts.push(`${p.skipped.length} skipped`);
  return `${plural(found, "entry", "entries")} in this ${p.format} export: ${parts.join(", ")}.`;
}

export function confirmLabel(checkedCount: number): string {
  return checkedCount === 0 ? "Add accounts" : `Add ${plural(checkedCount, "account")}`;
}

export function kindLabel(a: Pick<PendingAccount, "kind" | "digits" | "period" | "algorithm">): string {
  const names: Record<Kind, string> = { totp: "Time-based", hotp: "Counter-based", steam: "Steam Guard" };
  const parts = [names[a.kind]];
  if (a.kind !== "steam") parts.push(`${a.digits} digits`);
  if (a.kind === "totp" && a.period && a.period !== 30) parts.push(`${a.period} s`);
  if (a.algorithm !== "SHA1") parts.push(a.algorithm);
  return parts.join(" · ");
}
