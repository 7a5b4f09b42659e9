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
  const from = FROM[p.source] ?? p.source;
  return n === 1 ? `Add this account from ${from}?` : `Add ${n} accounts from ${from}?`;
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
