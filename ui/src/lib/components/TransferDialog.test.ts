import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import TransferDialog from "./TransferDialog.svelte";
import { fakeShell, reject } from "../../test-shell";
import type { Status } from "../api";

const NO_PASSWORD: Status = { state: "unlocked", has_password: false, vault_path: "/v", keystore: "Secret Service" };
const pending = { pending_id: "b1", source: "backup", accounts: [], format: null, skipped: [] };

describe("TransferDialog", () => {
  it("asks for the password of a Sesame backup", async () => {
    const shell = fakeShell({
      pick_open_file: () => ({ token: "tok-old", file_name: "old.sesame" }),
      scan_file: reject("password_required", "This backup is encrypted."),
      open_backup: () => pending,
    });
    const onpending = vi.fn();
    render(TransferDialog, { onclose: () => {}, onpending });
    await fireEvent.click(screen.getByTestId("import-choose"));
    const pw = await screen.findByTestId("backup-password");
    await fireEvent.input(pw, { target: { value: "backup pw" } });
    await fireEvent.click(screen.getByTestId("backup-open"));
    await waitFor(() => expect(onpending).toHaveBeenCalledWith(pending));
    expect(shell.argsOf("pick_open_file")).toEqual([{ kind: "import" }]);
    expect(shell.argsOf("scan_file")).toEqual([{ fileToken: "tok-old" }]);
    expect(shell.argsOf("open_backup")).toEqual([{ fileToken: "tok-old", password: "backup pw" }]);
  });

  it("asks for the password of another app's encrypted export, in the words the shell used", async () => {
    const fromExport = { ...pending, source: "file", format: "2FAS" };
    const shell = fakeShell({
      pick_open_file: () => ({ token: "tok-2fas", file_name: "2fas-backup.2fas" }),
      scan_file: reject("password_required", "This 2FAS export is encrypted: enter the password it was saved with."),
      open_backup: () => fromExport,
    });
    const onpending = vi.fn();
    render(TransferDialog, { onclose: () => {}, onpending });
    await fireEvent.click(screen.getByTestId("import-choose"));
    const pw = await screen.findByTestId("backup-password");
    expect(screen.getByTestId("backup-message").textContent).toContain("This 2FAS export is encrypted");
    expect(screen.getByText("Export password").tagName).toBe("LABEL");
    await fireEvent.input(pw, { target: { value: "2fas pw" } });
    await fireEvent.click(screen.getByTestId("backup-open"));
    await waitFor(() => expect(onpending).toHaveBeenCalledWith(fromExport));
    expect(shell.argsOf("open_backup")).toEqual([{ fileToken: "tok-2fas", password: "2fas pw" }]);
  });

  it("asks for the vault password before an export when the vault has one", async () => {
    const shell = fakeShell({
      pick_save_file: () => ({ token: "tok-links", file_name: "links.txt" }),
      export_otpauth: () => 3,
      status: () => ({ ...NO_PASSWORD, has_password: true }),
    });
    render(TransferDialog, { onclose: () => {}, onpending: () => {} });
    const vaultPw = await screen.findByTestId("export-vault-password");
    await fireEvent.click(screen.getByTestId("export-otpauth"));
    expect((await screen.findByTestId("error")).textContent).toMatch(/vault password/);
    expect(shell.argsOf("export_otpauth")).toEqual([]);
    await fireEvent.input(vaultPw, { target: { value: "vault pw" } });
    await fireEvent.click(screen.getByTestId("export-otpauth"));
    await waitFor(() => expect(shell.argsOf("export_otpauth")).toEqual([{ fileToken: "tok-links", vaultPassword: "vault pw" }]));
  });

  it("exports a backup only with the password typed twice", async () => {
    const shell = fakeShell({
      pick_save_file: () => ({ token: "tok-b", file_name: "b.sesame" }),
      export_backup: () => 4,
      status: () => NO_PASSWORD,
    });
    render(TransferDialog, { onclose: () => {}, onpending: () => {} });
    await fireEvent.click(screen.getByTestId("export-backup"));
    await fireEvent.input(screen.getByTestId("export-backup-password"), { target: { value: "one" } });
    await fireEvent.input(screen.getByTestId("export-backup-password-confirm"), { target: { value: "two" } });
    await fireEvent.click(screen.getByTestId("export-backup-save"));
    expect(screen.getByTestId("field-error").textContent).toMatch(/do not match/);
    expect(shell.argsOf("export_backup")).toEqual([]);
    await fireEvent.input(screen.getByTestId("export-backup-password-confirm"), { target: { value: "one" } });
    await fireEvent.click(screen.getByTestId("export-backup-save"));
    await waitFor(() => expect(shell.argsOf("export_backup")).toEqual([{ fileToken: "tok-b", password: "one", vaultPassword: null }]));
    expect(shell.argsOf("pick_save_file")).toEqual([{ kind: "sesame_backup", suggestedName: expect.stringMatching(/^sesame-backup-\d{4}-\d\d-\d\d\.sesame$/) }]);
    const saved = await screen.findByText(/Saved 4 accounts/);
    expect(saved.textContent).toMatch(/^Saved 4 accounts to b\.sesame\. Keep the password/);
    expect(saved.closest('[role="status"]')).not.toBeNull();
  });

  it("exports an encrypted Aegis vault with the same password form", async () => {
    const shell = fakeShell({
      pick_save_file: () => ({ token: "tok-aegis", file_name: "aegis.json" }),
      status: () => NO_PASSWORD,
      export_aegis: () => ({ written: 3, left_out: ["Old: bob — MD5 codes: Aegis cannot compute them"] }),
    });
    render(TransferDialog, { onclose: () => {}, onpending: () => {} });
    await fireEvent.click(screen.getByTestId("export-backup"));
    await fireEvent.click(screen.getByTestId("export-format-aegis"));
    expect(screen.getByText("Export password").tagName).toBe("LABEL");
    await fireEvent.input(screen.getByTestId("export-backup-password"), { target: { value: "aegis pw 123" } });
    await fireEvent.input(screen.getByTestId("export-backup-password-confirm"), { target: { value: "aegis pw 123" } });
    await fireEvent.click(screen.getByTestId("export-backup-save"));
    await waitFor(() => expect(shell.argsOf("export_aegis")).toEqual([{ fileToken: "tok-aegis", password: "aegis pw 123", vaultPassword: null }]));
    expect(shell.argsOf("export_backup")).toEqual([]);
    const dialog = screen.getByTestId("transfer-dialog");
    await waitFor(() => expect(dialog.textContent).toContain("Saved 3 accounts to aegis.json as an encrypted Aegis vault"));
    expect(dialog.textContent).toContain("Left out (Aegis cannot hold them): Old: bob — MD5 codes");
  });

  it("shows the transfer codes one at a time", async () => {
    fakeShell({ export_migration_qr: () => ["<svg>1</svg>", "<svg>2</svg>"] });
    render(TransferDialog, { onclose: () => {}, onpending: () => {} });
    await fireEvent.click(screen.getByTestId("export-migration-qr"));
    const qr = await screen.findByTestId("migration-qr");
    const first = qr.getAttribute("src");
    expect(screen.getByTestId("migration-position").textContent).toBe("1 of 2");
    await fireEvent.click(screen.getByTestId("migration-next"));
    expect(screen.getByTestId("migration-position").textContent).toBe("2 of 2");
    expect(screen.getByTestId("migration-qr").getAttribute("src")).not.toBe(first);
    expect((screen.getByTestId("migration-next") as HTMLButtonElement).disabled).toBe(true);
  });
});
