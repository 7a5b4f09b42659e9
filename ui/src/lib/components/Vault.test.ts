import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Vault from "./Vault.svelte";
import { accountView, codeView, fakeShell, reject, type Handler } from "../../test-shell";

const ACCOUNTS = [
  accountView("gh", "GitHub", "alice@example.com", { tags: ["work"] }),
  accountView("ms", "Microsoft", "alice@outlook.com", { digits: 8 }),
  accountView("st", "Steam", "alice_plays", { kind: "steam", digits: 5 }),
  accountView("bank", "Bank", "A-1", { kind: "hotp", period: null, counter: 3 }),
];
const CODES = [
  codeView("gh", "123456", { next_code: "654321", valid_for_ms: 25_000 }),
  codeView("ms", "12345678", { next_code: "87654321", valid_for_ms: 4_000 }),
  codeView("st", "2BK7Q", { next_code: "9XYZ3" }),
  codeView("bank", "555111", { next_code: null, valid_for_ms: null, period_ms: null }),
];

function shell(extra: Record<string, Handler> = {}) {
  return fakeShell({
    list_accounts: () => ACCOUNTS,
    codes: () => CODES,
    get_settings: () => ({ auto_lock_secs: 300, clipboard_clear_secs: 30, time_correction: false, ntp_server: "pool", clock_offset_ms: 0, clock_checked_at_ms: null, theme: "light" }),
    take_deep_link: () => null,
    copy_code: () => ({ clear_after_secs: 30 }),
    ...extra,
  });
}

function renderVault(props: Partial<{ onlock: () => void; onlocked: () => void }> = {}) {
  return render(Vault, { onlock: props.onlock ?? (() => {}), onlocked: props.onlocked ?? (() => {}) });
}

const rows = () => screen.getAllByTestId("account-row");
const row = (id: string) => rows().find((r) => r.dataset.id === id)!;

describe("Vault", () => {
  it("lists accounts with grouped codes", async () => {
    shell();
    renderVault();
    await waitFor(() => expect(within(row("gh")).getByTestId("account-code").textContent).toBe("123 456"));
    expect(row("gh").dataset.issuer).toBe("GitHub");
    expect(row("gh").dataset.name).toBe("alice@example.com");
    expect(within(row("ms")).getByTestId("account-code").textContent).toBe("1234 5678");
    expect(within(row("st")).getByTestId("account-code").textContent).toBe("2BK7Q");
    expect(within(row("gh")).getByTestId("account-issuer").textContent).toBe("GitHub");
    expect(within(row("gh")).getByTestId("account-name").textContent).toBe("alice@example.com");
  });

  it("shows the next code only near the end of the period", async () => {
    shell();
    renderVault();
    await waitFor(() => expect(within(row("ms")).getByTestId("account-next-code").textContent).toBe("8765 4321"));
    expect(within(row("gh")).queryByTestId("account-next-code")).toBeNull();
  });

  it("has a next-code button instead of a ring for HOTP", async () => {
    const s = shell({ next_hotp: () => codeView("bank", "777888", { next_code: null, valid_for_ms: null, period_ms: null }) });
    renderVault();
    await waitFor(() => expect(within(row("bank")).getByTestId("account-code").textContent).toBe("555 111"));
    expect(within(row("gh")).queryByTestId("hotp-next")).toBeNull();
    expect(within(row("gh")).getByRole("img", { name: /seconds left/ }).getAttribute("aria-label")).toMatch(/^\d+ seconds left$/);
    expect(within(row("bank")).queryByRole("img", { name: /seconds left/ })).toBeNull();
    await fireEvent.click(within(row("bank")).getByTestId("hotp-next"));
    await waitFor(() => expect(within(row("bank")).getByTestId("account-code").textContent).toBe("777 888"));
    expect(s.argsOf("next_hotp")).toEqual([{ id: "bank" }]);
  });

  it("copies on click and says when the clipboard clears", async () => {
    const s = shell();
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(within(row("gh")).getByText("GitHub"));
    const toast = await screen.findByTestId("toast");
    expect(toast.textContent).toContain("Copied");
    expect(toast.textContent).toContain("30 s");
    expect(toast.closest("[aria-live]")).not.toBeNull();
    expect(s.argsOf("copy_code")).toEqual([{ id: "gh" }]);
  });

  it("filters as you type, and Enter copies the first match", async () => {
    const s = shell();
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const search = screen.getByTestId("search");
    await fireEvent.input(search, { target: { value: "work" } });
    expect(rows().map((r) => r.dataset.id)).toEqual(["gh"]);
    await fireEvent.keyDown(search, { key: "Enter" });
    await waitFor(() => expect(s.argsOf("copy_code")).toEqual([{ id: "gh" }]));
    await fireEvent.keyDown(search, { key: "Escape" });
    expect((search as HTMLInputElement).value).toBe("");
    expect(rows()).toHaveLength(4);
  });

  it("moves the selection with the arrow keys and copies it with Enter", async () => {
    const s = shell();
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const search = screen.getByTestId("search");
    search.focus();
    await fireEvent.keyDown(search, { key: "ArrowDown" });
    await fireEvent.keyDown(search, { key: "ArrowDown" });
    expect(row("ms").classList.contains("selected")).toBe(true);
    await fireEvent.keyDown(search, { key: "ArrowUp" });
    expect(row("gh").classList.contains("selected")).toBe(true);
    await fireEvent.keyDown(search, { key: "Enter" });
    await waitFor(() => expect(s.argsOf("copy_code")).toEqual([{ id: "gh" }]));
  });

  it("focuses the search with /", async () => {
    shell();
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.keyDown(document.body, { key: "/" });
    expect(document.activeElement).toBe(screen.getByTestId("search"));
  });

  it("shows the empty state", async () => {
    shell({ list_accounts: () => [], codes: () => [] });
    renderVault();
    expect((await screen.findByTestId("empty-state")).textContent).toContain("No accounts yet");
    expect(screen.queryAllByTestId("account-row")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("empty-add"));
    expect(screen.getByTestId("add-tab-image").getAttribute("aria-selected")).toBe("true");
  });

  it("goes back to the unlock screen when the shell says it is locked", async () => {
    shell({ list_accounts: reject("locked", "The vault is locked."), codes: reject("locked", "The vault is locked.") });
    const onlocked = vi.fn();
    renderVault({ onlocked });
    await waitFor(() => expect(onlocked).toHaveBeenCalled());
  });

  it("names the account in the delete confirmation and deletes it", async () => {
    const s = shell({ delete_account: () => null });
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(within(row("ms")).getByTestId("account-menu"));
    await fireEvent.click(screen.getByTestId("account-delete"));
    expect(screen.getByRole("dialog").textContent).toContain("Microsoft (alice@outlook.com)");
    await fireEvent.click(screen.getByTestId("confirm-delete"));
    await waitFor(() => expect(rows().map((r) => r.dataset.id)).toEqual(["gh", "st", "bank"]));
    expect(s.argsOf("delete_account")).toEqual([{ id: "ms" }]);
  });

  it("moves an account down with the menu", async () => {
    const s = shell({ move_account: () => null });
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(within(row("gh")).getByTestId("account-menu"));
    expect((screen.getByTestId("account-move-up") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("account-move-down"));
    await waitFor(() => expect(s.argsOf("move_account")).toEqual([{ id: "gh", position: 1 }]));
  });

  it("reveals a secret only with the vault password when the vault has one", async () => {
    const s = shell({
      status: () => ({ state: "unlocked", has_password: true, vault_path: "/v", keystore: "Secret Service" }),
      reveal_secret: () => ({ secret: "JBSWY3DPEHPK3PXP", uri: "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP", qr_svg: "<svg xmlns='http://www.w3.org/2000/svg'/>" }),
    });
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(within(row("gh")).getByTestId("account-menu"));
    await fireEvent.click(screen.getByTestId("account-reveal"));
    const pw = await screen.findByTestId("reveal-password");
    expect((screen.getByTestId("reveal-confirm") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(pw, { target: { value: "vault pw" } });
    await fireEvent.click(screen.getByTestId("reveal-confirm"));
    expect((await screen.findByTestId("reveal-secret")).textContent).toBe("JBSWY3DPEHPK3PXP");
    expect(s.argsOf("reveal_secret")).toEqual([{ id: "gh", password: "vault pw" }]);
  });

  it("reveals a secret only after confirmation", async () => {
    const s = shell({
      reveal_secret: () => ({ secret: "JBSWY3DPEHPK3PXP", uri: "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP", qr_svg: "<svg xmlns='http://www.w3.org/2000/svg'/>" }),
    });
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(within(row("gh")).getByTestId("account-menu"));
    await fireEvent.click(screen.getByTestId("account-reveal"));
    expect(screen.queryByTestId("reveal-secret")).toBeNull();
    expect(s.argsOf("reveal_secret")).toEqual([]);
    await fireEvent.click(screen.getByTestId("reveal-confirm"));
    expect((await screen.findByTestId("reveal-secret")).textContent).toBe("JBSWY3DPEHPK3PXP");
    expect(screen.getByRole("img", { name: /QR code/ }).getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
  });

  it("opens the confirm dialog for a pasted otpauth:// link", async () => {
    const s = shell({
      parse_link: () => ({ pending_id: "p9", source: "link", accounts: [{ issuer: "Slack", name: "alice", kind: "totp", algorithm: "SHA1", digits: 6, period: 30, counter: null, warnings: [], duplicate: false, conflict: false }], format: null, skipped: [] }),
    });
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const link = "otpauth://totp/Slack:alice?secret=JBSWY3DPEHPK3PXP";
    await fireEvent.paste(document.body, { clipboardData: { files: [], getData: () => link } });
    expect((await screen.findByTestId("pending-dialog")).textContent).toContain("Slack");
    expect(s.argsOf("parse_link")).toEqual([{ text: link }]);
  });

  it("opens the Add dialog on the Link tab with the error of a pasted link it cannot add", async () => {
    shell({ parse_link: reject("invalid_input", "The secret is not Base32.") });
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.paste(document.body, { clipboardData: { files: [], getData: () => "otpauth://totp/X:y?secret=1" } });
    expect((await screen.findByTestId("error")).textContent).toBe("The secret is not Base32.");
    expect(screen.getByTestId("add-tab-link").getAttribute("aria-selected")).toBe("true");
  });

  it("says to choose a dropped encrypted backup with Choose file", async () => {
    shell({ scan_image: reject("password_required", "This backup needs its password.") });
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const file = new File([new Uint8Array([1, 2, 3])], "old.sesame", { type: "" });
    await fireEvent.drop(window, { dataTransfer: { files: [file], types: ["Files"] } });
    expect((await screen.findByTestId("error")).textContent).toContain("“old.sesame” is an encrypted backup");
  });

  it("scans an image dropped on the window", async () => {
    const s = shell({
      scan_image: reject("no_qr_code", "No QR code found in this image."),
    });
    renderVault();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const file = new File([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], "shot.png", { type: "image/png" });
    await fireEvent.drop(window, { dataTransfer: { files: [file], types: ["Files"] } });
    // The error is shown in the Add dialog, on the Image tab, where the user can try again.
    expect((await screen.findByTestId("error")).textContent).toBe("No QR code found in this image.");
    expect(screen.getByTestId("add-tab-image").getAttribute("aria-selected")).toBe("true");
    expect(s.argsOf("scan_image")).toEqual([{ bytes: [137, 80, 78, 71, 1, 2, 3] }]);
  });
});

describe("Vault with a long list", () => {
  it("draws the first screenful with its codes first, then every row", async () => {
    const many = Array.from({ length: 40 }, (_, i) => accountView(`a${i}`, `Issuer ${i}`, `user${i}`));
    let answerCodes: (codes: ReturnType<typeof codeView>[]) => void = () => {};
    fakeShell({
      list_accounts: () => many,
      codes: () => new Promise((resolve) => (answerCodes = resolve)),
      get_settings: () => ({ auto_lock_secs: 300, clipboard_clear_secs: 30, time_correction: false, ntp_server: "pool", clock_offset_ms: 0, clock_checked_at_ms: null, theme: "light" }),
      take_deep_link: () => null,
    });
    renderVault();
    // Before any code has arrived, only the first rows are drawn...
    await waitFor(() => expect(rows()).toHaveLength(24));
    expect(rows()[0].dataset.issuer).toBe("Issuer 0");
    // ...and once the codes are there, the rest follow.
    answerCodes(many.map((a) => codeView(a.id, "123456")));
    await waitFor(() => expect(rows()).toHaveLength(40));
    expect(rows()[39].dataset.issuer).toBe("Issuer 39");
    expect(document.querySelector(".count")?.textContent?.trim()).toBe("40 accounts");
  });
});
