import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import SyncDialog from "./SyncDialog.svelte";
import { fakeShell, reject } from "../../test-shell";
import type { SyncDevice, SyncStatus } from "../api";

const OFF: SyncStatus = {
  enabled: false,
  signed_in: true,
  server: null,
  device_id: null,
  device_name: null,
  last_sync_ms: null,
  waiting: 0,
  items: 0,
  running: false,
  last_error: null,
};

const ON: SyncStatus = {
  ...OFF,
  enabled: true,
  server: "https://sync.example.com",
  device_id: "dev-this-aaaaaaaaaaaaaaaaaaaa",
  device_name: "Laptop",
  last_sync_ms: Date.now(),
  items: 3,
};

const DEVICES: SyncDevice[] = [
  { id: "dev-this-aaaaaaaaaaaaaaaaaaaa", name: "Laptop", first_seen: 1, last_seen: Date.now(), revoked: false, this: true },
  { id: "dev-phone-bbbbbbbbbbbbbbbbbbb", name: "Phone", first_seen: 1, last_seen: Date.now(), revoked: false, this: false },
];

const RECOVERY = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP-QRST-UVWX";

/** The key as a person might type it from paper: lower case, over two lines, spaces for dashes. */
const TWO_LINES = `${RECOVERY.slice(0, 34).toLowerCase()}\n${RECOVERY.slice(35).toLowerCase().replaceAll("-", " ")}`;

async function submit(testid: string) {
  await fireEvent.click(screen.getByTestId(testid));
}

describe("SyncDialog", () => {
  it("without a Cognito sign-in, says so and opens Cognito", async () => {
    fakeShell({ sync_status: () => ({ ...OFF, signed_in: false }) }, { events: true });
    const oncognito = vi.fn();
    render(SyncDialog, { onclose: () => {}, oncognito });
    expect((await screen.findByTestId("sync-signed-out")).textContent).toMatch(/sign in to Cognito/i);
    expect(screen.queryByTestId("sync-server")).toBeNull();
    await fireEvent.click(screen.getByTestId("sync-open-cognito"));
    expect(oncognito).toHaveBeenCalledOnce();
  });

  it("on the first device asks for the passphrase twice, then shows the recovery key once", async () => {
    let status = OFF;
    const s = fakeShell(
      {
        sync_status: () => status,
        sync_probe: (a) => ({ server: a.server.replace(/\/$/, ""), login: "sam", first: true }),
        sync_enable: () => {
          status = ON;
          return { recovery_key: RECOVERY, status: ON };
        },
        sync_devices: () => DEVICES,
      },
      { events: true },
    );
    render(SyncDialog, { onclose: () => {}, oncognito: () => {} });
    await fireEvent.input(await screen.findByTestId("sync-server"), { target: { value: "https://sync.example.com/" } });
    await fireEvent.input(screen.getByTestId("sync-device-name"), { target: { value: "Laptop" } });
    await submit("sync-continue");
    expect(s.argsOf("sync_probe")).toEqual([{ server: "https://sync.example.com/", deviceName: "Laptop" }]);
    expect((await screen.findByTestId("sync-join")).textContent).toMatch(/first device/);
    await fireEvent.input(screen.getByTestId("sync-new"), { target: { value: "one passphrase" } });
    await fireEvent.input(screen.getByTestId("sync-again"), { target: { value: "another" } });
    expect(screen.getByTestId("sync-mismatch")).toBeTruthy();
    expect((screen.getByTestId("sync-enable") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("sync-again"), { target: { value: "one passphrase" } });
    await submit("sync-enable");
    expect((await screen.findByTestId("sync-recovery-key")).textContent).toBe(RECOVERY);
    expect(s.argsOf("sync_enable")).toEqual([{ server: "https://sync.example.com", passphrase: "one passphrase", deviceName: "Laptop" }]);
    await submit("sync-recovery-saved");
    await screen.findByTestId("sync-status");
    expect(screen.queryByTestId("sync-recovery-key")).toBeNull();
    expect(document.body.textContent).not.toContain(RECOVERY);
  });

  it("on a joining device asks once and shows a wrong passphrase as an error", async () => {
    fakeShell(
      {
        sync_status: () => OFF,
        sync_probe: () => ({ server: "https://sync.example.com", login: "sam", first: false }),
        sync_enable: reject("wrong_password", "Wrong sync passphrase (or the key on the server was changed)."),
      },
      { events: true },
    );
    render(SyncDialog, { onclose: () => {}, oncognito: () => {} });
    await fireEvent.input(await screen.findByTestId("sync-server"), { target: { value: "https://sync.example.com" } });
    await submit("sync-continue");
    expect((await screen.findByTestId("sync-join")).textContent).toMatch(/already syncs/);
    expect(screen.queryByTestId("sync-again")).toBeNull();
    await fireEvent.input(screen.getByTestId("sync-passphrase"), { target: { value: "wrong" } });
    await submit("sync-enable");
    expect((await screen.findByTestId("error")).textContent).toMatch(/wrong sync passphrase/i);
    expect(screen.queryByTestId("sync-recovery-key")).toBeNull();
  });

  it("when on, shows the status and the last error, marks this device and revokes another only after a yes", async () => {
    const s = fakeShell(
      {
        sync_status: () => ({ ...ON, waiting: 2, last_error: { kind: "network", message: "No answer from the sync server." } }),
        sync_devices: () => DEVICES,
        sync_revoke: (a) => DEVICES.map((d) => (d.id === a.device ? { ...d, revoked: true } : d)),
      },
      { events: true },
    );
    render(SyncDialog, { onclose: () => {}, oncognito: () => {} });
    expect((await screen.findByTestId("sync-waiting")).textContent).toBe("2 changes");
    expect(screen.getByTestId("sync-last-error").textContent).toMatch(/no answer from the sync server/i);
    await waitFor(() => expect(screen.getAllByTestId("sync-device")).toHaveLength(2));
    expect(screen.getAllByTestId("sync-this-device")).toHaveLength(1);
    // Only the other device can be revoked.
    expect(screen.getAllByTestId("sync-revoke")).toHaveLength(1);
    await submit("sync-revoke");
    expect(s.argsOf("sync_revoke")).toHaveLength(0);
    await submit("sync-revoke-confirm");
    await waitFor(() => expect(s.argsOf("sync_revoke")).toEqual([{ device: "dev-phone-bbbbbbbbbbbbbbbbbbb" }]));
    expect((await screen.findByTestId("sync-notice")).textContent).toMatch(/removed from sync/i);
  });

  it("changes the passphrase only when the new one is typed the same twice, and says a wrong current one in words", async () => {
    let tries = 0;
    const s = fakeShell(
      {
        sync_status: () => ON,
        sync_devices: () => DEVICES,
        sync_change_passphrase: (a) => {
          tries += 1;
          if (a.current !== "old passphrase") {
            return Promise.reject({ kind: "wrong_password", message: "Wrong sync passphrase (or the key on the server was changed)." });
          }
          return null;
        },
      },
      { events: true },
    );
    render(SyncDialog, { onclose: () => {}, oncognito: () => {} });
    await screen.findByTestId("sync-change-passphrase");
    await submit("sync-change-passphrase");
    await fireEvent.input(await screen.findByTestId("sync-change-current"), { target: { value: "not it" } });
    await fireEvent.input(screen.getByTestId("sync-change-new"), { target: { value: "new passphrase" } });
    await fireEvent.input(screen.getByTestId("sync-change-again"), { target: { value: "new passphrasf" } });
    expect(screen.getByTestId("sync-change-mismatch")).toBeTruthy();
    expect((screen.getByTestId("sync-change-submit") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("sync-change-again"), { target: { value: "new passphrase" } });
    await submit("sync-change-submit");
    expect((await screen.findByTestId("error")).textContent).toMatch(/wrong sync passphrase/i);
    // Still on the form, the new passphrase kept; only the current one is typed again.
    await fireEvent.input(screen.getByTestId("sync-change-current"), { target: { value: "old passphrase" } });
    await submit("sync-change-submit");
    expect((await screen.findByTestId("sync-notice")).textContent).toMatch(/passphrase is changed/i);
    expect(tries).toBe(2);
    expect(s.argsOf("sync_change_passphrase")[1]).toEqual({ current: "old passphrase", newPassphrase: "new passphrase" });
    expect(screen.getByTestId("sync-status")).toBeTruthy();
    expect(screen.queryByTestId("sync-change-current")).toBeNull();
  });

  it("with sync on, sets a new passphrase with the recovery key on its own server", async () => {
    const s = fakeShell(
      { sync_status: () => ON, sync_devices: () => DEVICES, sync_recover: () => ON },
      { events: true },
    );
    render(SyncDialog, { onclose: () => {}, oncognito: () => {} });
    await screen.findByTestId("sync-forgot");
    await submit("sync-forgot");
    await fireEvent.input(await screen.findByTestId("sync-recover-key"), { target: { value: ` ${TWO_LINES} ` } });
    await fireEvent.input(screen.getByTestId("sync-recover-new"), { target: { value: "fresh" } });
    expect((screen.getByTestId("sync-recover-submit") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("sync-recover-again"), { target: { value: "fresh" } });
    await submit("sync-recover-submit");
    expect((await screen.findByTestId("sync-notice")).textContent).toMatch(/passphrase is reset/i);
    expect(s.argsOf("sync_recover")).toEqual([
      { recoveryKey: TWO_LINES, passphrase: "fresh", server: null, deviceName: null },
    ]);
    expect(document.body.textContent).not.toContain(TWO_LINES);
  });

  /**
   * Sync on, the dialog open at the turn-off confirmation. `command` answers with sync off
   * (and the status says so from then on), or with `answer` when given.
   */
  async function atTurnOff(command: "sync_disable" | "sync_delete_remote", answer?: () => Promise<never>) {
    let status = ON;
    const turnOff = () => {
      status = OFF;
      return OFF;
    };
    const s = fakeShell(
      { sync_status: () => status, sync_devices: () => DEVICES, [command]: answer ?? turnOff },
      { events: true },
    );
    render(SyncDialog, { onclose: () => {}, oncognito: () => {} });
    await screen.findByTestId("sync-disable");
    await submit("sync-disable");
    return s;
  }

  it("turns off without deleting anything unless asked: sync_disable, no warning", async () => {
    const s = await atTurnOff("sync_disable");
    expect(screen.getByTestId("sync-off-confirm").textContent).toMatch(/its accounts stay here/i);
    expect(screen.queryByTestId("sync-delete-warning")).toBeNull();
    expect(screen.getByTestId("sync-disable-confirm").textContent).toMatch(/^\s*Turn off\s*$/);
    await submit("sync-disable-confirm");
    expect((await screen.findByTestId("sync-notice")).textContent).toMatch(/sync is off on this device/i);
    expect(s.calls.some((c) => c.cmd === "sync_delete_remote")).toBe(false);
    expect(s.argsOf("sync_disable")).toHaveLength(1);
  });

  it("deleting the server's data names what goes and what stays, and says so when done", async () => {
    const s = await atTurnOff("sync_delete_remote");
    await fireEvent.click(screen.getByTestId("sync-delete-remote"));
    const warning = screen.getByTestId("sync-delete-warning").textContent ?? "";
    expect(warning).toContain("https://sync.example.com");
    expect(warning).toMatch(/the sync key/i);
    expect(warning).toMatch(/every synced account/i);
    expect(warning).toMatch(/list of your devices/i);
    expect(warning).toMatch(/accounts on this device and on your other devices/i);
    expect(warning).toMatch(/stop syncing/i);
    expect(screen.getByTestId("sync-disable-confirm").textContent).toMatch(/delete and turn off/i);
    // Unticked again: back to a plain turn off.
    await fireEvent.click(screen.getByTestId("sync-delete-remote"));
    expect(screen.queryByTestId("sync-delete-warning")).toBeNull();
    await fireEvent.click(screen.getByTestId("sync-delete-remote"));
    await submit("sync-disable-confirm");
    const done = (await screen.findByTestId("sync-notice")).textContent ?? "";
    expect(done).toMatch(/deleted from https:\/\/sync\.example\.com/i);
    expect(done).toMatch(/holds nothing any more/i);
    expect(s.argsOf("sync_delete_remote")).toHaveLength(1);
    expect(s.calls.some((c) => c.cmd === "sync_disable")).toBe(false);
    expect(await screen.findByTestId("sync-server")).toBeTruthy();
  });

  it("when the server cannot be reached, deleting says so in words and sync stays on", async () => {
    const s = await atTurnOff(
      "sync_delete_remote",
      reject(
        "sync",
        "No answer from the sync server (connection refused). Try again when the server can be reached. Nothing was deleted; sync stays on here.",
      ),
    );
    await fireEvent.click(screen.getByTestId("sync-delete-remote"));
    await submit("sync-disable-confirm");
    // Said where the button was pressed (the confirmation is at the bottom of a long screen), once.
    const said = await within(screen.getByTestId("sync-off-confirm")).findByTestId("error");
    expect(said.textContent).toMatch(/no answer from the sync server.*sync stays on here/i);
    expect(screen.getAllByTestId("error")).toHaveLength(1);
    expect(s.argsOf("sync_delete_remote")).toHaveLength(1);
    expect(screen.getByTestId("sync-status-server").textContent).toBe("https://sync.example.com");
    expect(screen.queryByTestId("sync-notice")).toBeNull();
    // The choice stays made, to try again.
    expect((screen.getByTestId("sync-delete-remote") as HTMLInputElement).checked).toBe(true);
  });

  it("the recovery key field is a two-line monospace textarea without spellcheck, autocorrect or autocapitalize", async () => {
    fakeShell({ sync_status: () => ON, sync_devices: () => DEVICES }, { events: true });
    render(SyncDialog, { onclose: () => {}, oncognito: () => {} });
    await screen.findByTestId("sync-forgot");
    await submit("sync-forgot");
    const field = await screen.findByTestId("sync-recover-key");
    expect(field.tagName).toBe("TEXTAREA");
    expect(field.getAttribute("rows")).toBe("2");
    expect(field.classList.contains("mono")).toBe(true);
    expect(field.getAttribute("spellcheck")).toBe("false");
    expect(field.getAttribute("autocorrect")).toBe("off");
    expect(field.getAttribute("autocapitalize")).toBe("off");
  });

  it("when joining, a forgotten passphrase is reset with the recovery key and sync turns on with that server", async () => {
    let status = OFF;
    const s = fakeShell(
      {
        sync_status: () => status,
        sync_probe: () => ({ server: "https://sync.example.com", login: "sam", first: false }),
        sync_enable: reject("wrong_password", "Wrong sync passphrase (or the key on the server was changed)."),
        sync_recover: (a) => {
          if (a.recoveryKey !== RECOVERY) {
            return Promise.reject({ kind: "invalid_input", message: "This recovery key does not open the sync key." });
          }
          status = ON;
          return ON;
        },
        sync_devices: () => DEVICES,
      },
      { events: true },
    );
    render(SyncDialog, { onclose: () => {}, oncognito: () => {} });
    await fireEvent.input(await screen.findByTestId("sync-server"), { target: { value: "https://sync.example.com" } });
    await fireEvent.input(screen.getByTestId("sync-device-name"), { target: { value: "Phone" } });
    await submit("sync-continue");
    await fireEvent.input(await screen.findByTestId("sync-passphrase"), { target: { value: "forgotten" } });
    await submit("sync-enable");
    await screen.findByTestId("error");
    await submit("sync-join-forgot");
    expect(screen.queryByTestId("error")).toBeNull();
    await fireEvent.input(await screen.findByTestId("sync-recover-key"), { target: { value: "ABCD-WRONG" } });
    await fireEvent.input(screen.getByTestId("sync-recover-new"), { target: { value: "fresh" } });
    await fireEvent.input(screen.getByTestId("sync-recover-again"), { target: { value: "fresh" } });
    await submit("sync-recover-submit");
    expect((await screen.findByTestId("error")).textContent).toMatch(/does not open/i);
    await fireEvent.input(screen.getByTestId("sync-recover-key"), { target: { value: RECOVERY } });
    await submit("sync-recover-submit");
    expect((await screen.findByTestId("sync-notice")).textContent).toMatch(/sync is on/i);
    expect(s.argsOf("sync_recover")[1]).toEqual({
      recoveryKey: RECOVERY,
      passphrase: "fresh",
      server: "https://sync.example.com",
      deviceName: "Phone",
    });
    await waitFor(() => expect(screen.getAllByTestId("sync-device")).toHaveLength(2));
  });
});
