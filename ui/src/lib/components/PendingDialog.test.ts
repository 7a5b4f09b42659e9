import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import PendingDialog from "./PendingDialog.svelte";
import { accountView, fakeShell } from "../../test-shell";
import type { Pending, PendingAccount } from "../api";

const acc = (issuer: string, name: string, duplicate = false, extra: Partial<PendingAccount> = {}): PendingAccount => ({
  issuer,
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

const pending: Pending = {
  pending_id: "p1",
  source: "image",
  format: null,
  skipped: [],
  accounts: [
    acc("GitHub", "alice"),
    acc("Google", "alice@gmail.com", true),
    acc("GitLab", "alice", false, { warnings: [{ kind: "short_secret", message: "The secret is only 80 bits." }] }),
  ],
};

const checks = () => screen.getAllByTestId("pending-check") as HTMLInputElement[];

describe("PendingDialog", () => {
  it("accounts for every entry of an export: conflicts marked, skipped entries listed with why", () => {
    fakeShell({});
    const fromExport: Pending = {
      pending_id: "x1",
      source: "file",
      format: "2FAS",
      accounts: [acc("GitHub", "alice", false, { conflict: true }), acc("Google", "bob", true)],
      skipped: [{ label: "Old bank: carol", reason: "codes cannot be computed: MD5 is not supported" }],
    };
    render(PendingDialog, { pending: fromExport, onadded: () => {}, oncancel: () => {} });
    expect(screen.getByText("Add 2 accounts from the 2FAS export?").tagName).toMatch(/^H\d$/);
    expect(screen.getByTestId("pending-summary").textContent).toBe(
      "3 entries in this 2FAS export: 1 new, 1 already in your vault, 1 skipped.",
    );
    const items = screen.getAllByTestId("pending-item");
    expect(items[0].textContent).toContain("different secret from the one in your vault");
    expect(items[1].textContent).not.toContain("different secret");
    const skipped = screen.getByTestId("pending-skipped");
    expect(skipped.textContent).toContain("1 not added");
    expect(skipped.textContent).toContain("Old bank: carol: codes cannot be computed: MD5 is not supported");
  });

  it("lists every account, duplicates unchecked and marked", () => {
    fakeShell({});
    render(PendingDialog, { pending, onadded: () => {}, oncancel: () => {} });
    const items = screen.getAllByTestId("pending-item");
    expect(items).toHaveLength(3);
    expect(checks().map((c) => c.checked)).toEqual([true, false, true]);
    expect(items[1].textContent).toContain("already in your vault");
    expect(items[2].textContent).toContain("The secret is only 80 bits.");
    expect(screen.getByTestId("pending-confirm").textContent?.trim()).toBe("Add 2 accounts");
    expect(screen.getByTestId("pending-dialog").getAttribute("aria-modal")).toBe("true");
  });

  it("adds the checked accounts", async () => {
    const shell = fakeShell({ confirm_pending: () => [accountView("1", "GitHub", "alice")] });
    const onadded = vi.fn();
    render(PendingDialog, { pending, onadded, oncancel: () => {} });
    await fireEvent.click(checks()[0]);
    expect(screen.getByTestId("pending-confirm").textContent?.trim()).toBe("Add 1 account");
    await fireEvent.click(screen.getByTestId("pending-confirm"));
    await waitFor(() => expect(onadded).toHaveBeenCalled());
    expect(shell.argsOf("confirm_pending")).toEqual([{ pendingId: "p1", indices: [2] }]);
  });

  it("cannot add nothing", async () => {
    fakeShell({});
    render(PendingDialog, { pending, onadded: () => {}, oncancel: () => {} });
    await fireEvent.click(checks()[0]);
    await fireEvent.click(checks()[2]);
    expect((screen.getByTestId("pending-confirm") as HTMLButtonElement).disabled).toBe(true);
  });

  it("discards on Cancel and on Escape", async () => {
    const shell = fakeShell({ discard_pending: () => null });
    const oncancel = vi.fn();
    render(PendingDialog, { pending, onadded: () => {}, oncancel });
    await fireEvent.click(screen.getByTestId("pending-cancel"));
    await waitFor(() => expect(oncancel).toHaveBeenCalledTimes(1));
    await fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(oncancel).toHaveBeenCalledTimes(2));
    expect(shell.argsOf("discard_pending")).toEqual([{ pendingId: "p1" }, { pendingId: "p1" }]);
  });

  it("asks about a deep link in words", () => {
    fakeShell({});
    render(PendingDialog, {
      pending: { pending_id: "d", source: "deep link", accounts: [acc("Mastodon", "@alice")], format: null, skipped: [] },
      onadded: () => {},
      oncancel: () => {},
    });
    // The dialog's accessible name is the question (queryBy: null when it is not).
    expect(screen.queryByRole("dialog", { name: "Add this account from a link?" })).not.toBeNull();
  });
});
