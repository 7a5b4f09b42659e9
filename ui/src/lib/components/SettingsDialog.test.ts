import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import SettingsDialog from "./SettingsDialog.svelte";
import { fakeShell, reject } from "../../test-shell";
import type { Settings } from "../api";

const SETTINGS: Settings = {
  auto_lock_secs: 300,
  clipboard_clear_secs: 30,
  time_correction: false,
  ntp_server: "pool.ntp.org",
  clock_offset_ms: 0,
  clock_checked_at_ms: null,
  theme: "system",
};

function shell(extra: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  let current = { ...SETTINGS };
  return fakeShell({
    get_settings: () => current,
    set_settings: (a) => (current = { ...(a.settings as Settings) }),
    status: () => ({ state: "unlocked", has_password: true, vault_path: "/home/alice/.local/share/sesame/vault", keystore: "Secret Service" }),
    ...extra,
  });
}

describe("SettingsDialog", () => {
  it("shows the vault's place and keystore", async () => {
    shell();
    render(SettingsDialog, { onclose: () => {} });
    expect((await screen.findByTestId("settings-vault-path")).textContent).toBe("/home/alice/.local/share/sesame/vault");
    expect(screen.getByTestId("settings-keystore").textContent).toBe("Secret Service");
  });

  it("saves a changed setting at once and applies the theme", async () => {
    const s = shell();
    render(SettingsDialog, { onclose: () => {} });
    await fireEvent.change(await screen.findByTestId("settings-auto-lock"), { target: { value: "60" } });
    await fireEvent.change(screen.getByTestId("settings-theme"), { target: { value: "dark" } });
    await waitFor(() => expect(s.argsOf("set_settings")).toHaveLength(2));
    expect(s.argsOf("set_settings")[1]).toEqual({ settings: { ...SETTINGS, auto_lock_secs: 60, theme: "dark" } });
    expect(document.documentElement.dataset.theme).toBe("dark");
  });

  it("shows the server and the offset it measured, and applies it only when asked", async () => {
    const s = shell({
      check_time: () => ({ offset_ms: 1234, delay_ms: 20, server: "pool.ntp.org", address: "192.0.2.1:123", needs_confirmation: false }),
      apply_time_check: () => ({ ...SETTINGS, clock_offset_ms: 1234, clock_checked_at_ms: Date.now() }),
    });
    render(SettingsDialog, { onclose: () => {} });
    expect((await screen.findByTestId("settings-offset-unknown")).textContent).toMatch(/not measured yet/i);
    await fireEvent.click(screen.getByTestId("settings-check-time"));
    const check = await screen.findByTestId("settings-time-check");
    expect(check.textContent).toMatch(/pool\.ntp\.org/);
    expect(check.textContent).toMatch(/192\.0\.2\.1:123/);
    expect(screen.getByTestId("settings-measured-offset").textContent).toBe("+1.2 s");
    expect(s.argsOf("apply_time_check")).toHaveLength(0);
    expect(screen.queryByTestId("settings-offset")).toBeNull();
    await fireEvent.click(screen.getByTestId("settings-apply-offset"));
    await waitFor(() => expect(screen.getByTestId("settings-offset").textContent).toBe("+1.2 s"));
    expect(s.argsOf("apply_time_check")).toEqual([{ confirmLarge: false }]);
  });

  it("an offset of an hour is applied only after the user confirms it", async () => {
    const s = shell({
      check_time: () => ({ offset_ms: 3_600_000, delay_ms: 20, server: "time.example", address: "192.0.2.1:123", needs_confirmation: true }),
      apply_time_check: () => ({ ...SETTINGS, clock_offset_ms: 3_600_000, clock_checked_at_ms: Date.now() }),
    });
    render(SettingsDialog, { onclose: () => {} });
    await fireEvent.click(await screen.findByTestId("settings-check-time"));
    expect((await screen.findByTestId("settings-large-offset")).textContent).toMatch(/more than 5 minutes/);
    const apply = screen.getByTestId("settings-apply-offset") as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("settings-confirm-offset"));
    expect(apply.disabled).toBe(false);
    await fireEvent.click(apply);
    await waitFor(() => expect(s.argsOf("apply_time_check")).toEqual([{ confirmLarge: true }]));
  });

  it("shows the offset measured earlier, and when", async () => {
    let current: Settings = { ...SETTINGS, clock_offset_ms: -2500, clock_checked_at_ms: Date.now() };
    fakeShell({
      get_settings: () => current,
      set_settings: (a) => (current = { ...(a.settings as Settings) }),
      status: () => ({ state: "unlocked", has_password: false, vault_path: "/v", keystore: "Secret Service" }),
    });
    render(SettingsDialog, { onclose: () => {} });
    expect((await screen.findByTestId("settings-offset")).textContent).toBe("-2.5 s");
    expect(screen.getByTestId("settings-offset").parentElement?.textContent).toMatch(/measured at \d/);
  });

  it("shows why a time check failed", async () => {
    shell({ check_time: reject("time", "No answer from pool.ntp.org.") });
    render(SettingsDialog, { onclose: () => {} });
    await fireEvent.click(await screen.findByTestId("settings-check-time"));
    expect((await screen.findByTestId("error")).textContent).toBe("No answer from pool.ntp.org.");
  });

  it("changes the password with the old one and the new one twice", async () => {
    const s = shell({ change_password: () => null });
    render(SettingsDialog, { onclose: () => {} });
    await fireEvent.input(await screen.findByTestId("settings-old-password"), { target: { value: "old" } });
    await fireEvent.input(screen.getByTestId("settings-new-password"), { target: { value: "new one" } });
    await fireEvent.input(screen.getByTestId("settings-new-password-confirm"), { target: { value: "new one" } });
    await fireEvent.click(screen.getByTestId("settings-change-password"));
    await waitFor(() => expect(s.argsOf("change_password")).toEqual([{ oldPassword: "old", newPassword: "new one" }]));
    expect((await screen.findByText("Password changed.")).getAttribute("role")).toBe("status");
  });
});
