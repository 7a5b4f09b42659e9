import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Unlock from "./Unlock.svelte";
import { fakeShell, reject } from "../../test-shell";
import type { Status } from "../api";

const status = (has_password: boolean): Status => ({ state: "locked", has_password, vault_path: "/v", keystore: "test" });

describe("Unlock", () => {
  it("shows the message of a wrong password and stays", async () => {
    const shell = fakeShell({ unlock: reject("wrong_password", "Wrong password.") });
    const onunlocked = vi.fn();
    render(Unlock, { status: status(true), onunlocked });
    await fireEvent.input(screen.getByTestId("unlock-password"), { target: { value: "nope" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    expect((await screen.findByTestId("error")).textContent).toBe("Wrong password.");
    expect(onunlocked).not.toHaveBeenCalled();
    expect(shell.argsOf("unlock")).toEqual([{ password: "nope" }]);
  });

  it("unlocks with the password", async () => {
    fakeShell({ unlock: () => null });
    const onunlocked = vi.fn();
    render(Unlock, { status: status(true), onunlocked });
    await fireEvent.input(screen.getByTestId("unlock-password"), { target: { value: "right" } });
    await fireEvent.submit(screen.getByTestId("unlock-password").closest("form")!);
    await waitFor(() => expect(onunlocked).toHaveBeenCalled());
  });

  it("is one button for a vault without a password", async () => {
    const shell = fakeShell({ unlock: () => null });
    const onunlocked = vi.fn();
    render(Unlock, { status: status(false), onunlocked });
    expect(screen.queryByTestId("unlock-password")).toBeNull();
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await waitFor(() => expect(onunlocked).toHaveBeenCalled());
    expect(shell.argsOf("unlock")).toEqual([{ password: null }]);
  });

  it("explains a vault made on another computer", async () => {
    fakeShell({ unlock: reject("bound_to_another_device", "This vault belongs to another device.") });
    render(Unlock, { status: status(false), onunlocked: () => {} });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    expect((await screen.findByTestId("error")).textContent).toBe("This vault belongs to another device.");
    expect(document.body.textContent).toContain("export a backup on that computer");
  });

  it("says a vault file is an older copy, and opens it only after the user confirms, with the password", async () => {
    const shell = fakeShell({
      unlock: reject("rolled_back", "This vault file is older than the last one saved on this device: it holds save 3, and this device last saved 5."),
      unlock_older_copy: () => null,
    });
    const onunlocked = vi.fn();
    render(Unlock, { status: status(true), onunlocked });
    await fireEvent.input(screen.getByTestId("unlock-password"), { target: { value: "right" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    expect((await screen.findByTestId("error")).textContent).toMatch(/^This vault file is older than the last one saved on this device/);
    await fireEvent.click(screen.getByTestId("unlock-older-copy"));
    const confirm = screen.getByTestId("older-confirm");
    expect(confirm.textContent).toContain("gone from this computer");
    expect(shell.argsOf("unlock_older_copy")).toEqual([]);
    await fireEvent.click(screen.getByTestId("older-cancel"));
    expect(screen.queryByTestId("older-confirm")).toBeNull();
    expect(onunlocked).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId("unlock-older-copy"));
    await fireEvent.click(screen.getByTestId("older-open"));
    await waitFor(() => expect(onunlocked).toHaveBeenCalled());
    expect(shell.argsOf("unlock_older_copy")).toEqual([{ password: "right" }]);
  });

  it("offers no older copy for other errors", async () => {
    fakeShell({ unlock: reject("tampered", "The vault file was changed outside Sesame.") });
    render(Unlock, { status: status(false), onunlocked: () => {} });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await screen.findByTestId("error");
    expect(screen.queryByTestId("unlock-older-copy")).toBeNull();
  });
});
