import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import App from "./App.svelte";
import { accountView, codeView, fakeShell, reject, type Handlers } from "./test-shell";
import type { VaultState } from "./lib/api";

function shell(state: { value: VaultState }, extra: Handlers = {}) {
  return fakeShell(
    {
      ...extra,
      status: () => ({ state: state.value, has_password: true, vault_path: "/v", keystore: "test" }),
      take_deep_link: () => null,
      list_accounts: () => [accountView("gh", "GitHub", "alice")],
      codes: () => [codeView("gh", "123456")],
      get_settings: () => ({ auto_lock_secs: 0, clipboard_clear_secs: 0, time_correction: false, ntp_server: "", clock_offset_ms: 0, clock_checked_at_ms: null, theme: "dark" }),
      touch: () => null,
      lock: () => {
        state.value = "locked";
        return null;
      },
    },
    { events: true },
  );
}

describe("App", () => {
  it("starts with first run when there is no vault", async () => {
    shell({ value: "no_vault" });
    render(App);
    expect((await screen.findByTestId("setup-create")).textContent).toBe("Create vault");
    expect(screen.queryByTestId("unlock-password")).toBeNull();
  });

  it("shows the unlock screen for a locked vault", async () => {
    shell({ value: "locked" });
    render(App);
    const password = await screen.findByTestId("unlock-password");
    expect(screen.getByLabelText("Password")).toBe(password);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Unlock Sesame");
    expect(screen.queryByTestId("setup-create")).toBeNull();
  });

  it("drops the accounts and shows the unlock screen on the locked event", async () => {
    const state = { value: "unlocked" as VaultState };
    shell(state);
    render(App);
    expect((await screen.findByTestId("account-row")).dataset.issuer).toBe("GitHub");
    expect(screen.getByTestId("lock-button").getAttribute("aria-label")).toBe("Lock");
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    state.value = "locked";
    await emit("locked", null);
    expect(screen.getByLabelText("Password")).toBe(await screen.findByTestId("unlock-password"));
    expect(screen.queryByTestId("account-row")).toBeNull();
    expect(document.body.textContent).not.toContain("GitHub");
  });

  it("shows accounts from a deep link once unlocked", async () => {
    const state = { value: "unlocked" as VaultState };
    const s = shell(state);
    render(App);
    expect((await screen.findByTestId("account-row")).dataset.issuer).toBe("GitHub");
    await emit("pending", {
      pending_id: "deep",
      source: "deep link",
      accounts: [{ issuer: "Mastodon", name: "@alice", kind: "totp", algorithm: "SHA1", digits: 6, period: 30, counter: null, warnings: [], duplicate: false, conflict: false }],
      format: null,
      skipped: [],
    });
    expect((await screen.findByTestId("pending-dialog")).textContent).toContain("Add this account from a link?");
    expect(s.calls.some((c) => c.cmd === "take_deep_link")).toBe(true);
  });

  it("says when a link Sesame was opened with cannot be added", async () => {
    shell({ value: "locked" });
    render(App);
    await screen.findByTestId("unlock-password");
    await emit("deep-link-error", "That link cannot be added: the secret is not Base32.");
    expect((await screen.findByTestId("error")).textContent).toBe("That link cannot be added: the secret is not Base32.");
  });

  it("reads a file dropped on the window through the token the shell sent, never a path", async () => {
    const state = { value: "unlocked" as VaultState };
    const s = shell(state, {
      scan_file: () => ({ pending_id: "d1", source: "file", accounts: [{ issuer: "ACME", name: "carol", kind: "totp", algorithm: "SHA1", digits: 6, period: 30, counter: null, warnings: [], duplicate: false, conflict: false }], format: null, skipped: [] }),
    });
    render(App);
    await screen.findByTestId("account-row");
    await emit("files-dropped", [{ token: "drop-token", file_name: "acme.png" }]);
    expect((await screen.findByTestId("pending-dialog")).textContent).toContain("carol");
    expect(s.argsOf("scan_file")).toEqual([{ fileToken: "drop-token" }]);
  });

  it("asks for the password of a dropped backup by its name, and opens it with the same token", async () => {
    const state = { value: "unlocked" as VaultState };
    const s = shell(state, {
      scan_file: reject("password_required", "This is a Sesame backup: enter its password."),
      open_backup: () => ({ pending_id: "b1", source: "backup", accounts: [], format: null, skipped: [] }),
    });
    render(App);
    await screen.findByTestId("account-row");
    await emit("files-dropped", [{ token: "backup-token", file_name: "old.sesame" }]);
    const dialog = await screen.findByTestId("add-dialog");
    await waitFor(() => expect(dialog.textContent).toContain("old.sesame"));
    await fireEvent.input(screen.getByTestId("backup-password"), { target: { value: "backup pw" } });
    await fireEvent.click(screen.getByTestId("backup-open"));
    await waitFor(() => expect(s.argsOf("open_backup")).toEqual([{ fileToken: "backup-token", password: "backup pw" }]));
  });
});
