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

  it("measures the clock and shows the offset", async () => {
    shell({ check_time: () => ({ offset_ms: 1234, delay_ms: 20, server: "pool.ntp.org" }) });
    render(SettingsDialog, { onclose: () => {} });
    expect((await screen.findByTestId("settings-offset-unknown")).textContent).toMatch(/not measured yet/i);
    expect(screen.queryByTestId("settings-offset")).toBeNull();
    await fireEvent.click(screen.getByTestId("settings-check-time"));
    await waitFor(() => expect(screen.getByTestId("settings-offset").textContent).toBe("+1.2 s"));
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
