import { describe, expect, it } from "vitest";
import type { Pending, PendingAccount } from "./api";
import { checkedIndices, confirmLabel, initialChecked, kindLabel, pendingTitle } from "./pending";

const acc = (name: string, duplicate = false, extra: Partial<PendingAccount> = {}): PendingAccount => ({
  issuer: "X",
  name,
  kind: "totp",
  algorithm: "SHA1",
  digits: 6,
  period: 30,
  counter: null,
  warnings: [],
  duplicate,
  conflict: false,
  ...extra,
});
const pending = (source: string, accounts: PendingAccount[]): Pending => ({ pending_id: "p", source, accounts, format: null, skipped: [] });

describe("pending", () => {
  it("starts with duplicates unchecked", () => {
    expect(initialChecked(pending("image", [acc("a"), acc("b", true), acc("c")]))).toEqual([true, false, true]);
  });
  it("sends the indices of the checked accounts", () => {
    expect(checkedIndices([true, false, true, false])).toEqual([0, 2]);
    expect(checkedIndices([false])).toEqual([]);
  });
  it("asks about a deep link in words", () => {
    expect(pendingTitle(pending("deep link", [acc("a")]))).toBe("Add this account from a link?");
    expect(pendingTitle(pending("image", [acc("a"), acc("b")]))).toBe("Add 2 accounts from the image?");
    expect(pendingTitle(pending("screen", []))).toBe("No accounts found");
  });
  it("counts on the button", () => {
    expect(confirmLabel(0)).toBe("Add accounts");
    expect(confirmLabel(1)).toBe("Add 1 account");
    expect(confirmLabel(3)).toBe("Add 3 accounts");
  });
  it("describes the kind", () => {
    expect(kindLabel(acc("a"))).toBe("Time-based · 6 digits");
    expect(kindLabel(acc("a", false, { kind: "hotp", digits: 8, period: null }))).toBe("Counter-based · 8 digits");
    expect(kindLabel(acc("a", false, { kind: "steam", digits: 5 }))).toBe("Steam Guard");
    expect(kindLabel(acc("a", false, { period: 60, algorithm: "SHA256" }))).toBe("Time-based · 6 digits · 60 s · SHA256");
  });
});
