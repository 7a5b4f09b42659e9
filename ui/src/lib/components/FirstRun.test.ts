import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import FirstRun from "./FirstRun.svelte";
import { fakeShell, reject } from "../../test-shell";

async function type(testid: string, value: string) {
  await fireEvent.input(screen.getByTestId(testid), { target: { value } });
}

describe("FirstRun", () => {
  it("explains device binding", () => {
    fakeShell({});
    render(FirstRun, { oncreated: () => {} });
    expect(document.body.textContent?.replace(/\s+/g, " ")).toContain(
      "Your codes are encrypted with a key kept in this computer's keyring, so the vault file is useless if copied elsewhere; a password adds a second lock.",
    );
  });

  it("creates the vault with the password typed twice", async () => {
    const shell = fakeShell({ create_vault: () => null });
    const oncreated = vi.fn();
    render(FirstRun, { oncreated });
    await type("setup-password", "correct horse battery");
    await type("setup-password-confirm", "correct horse battery");
    await fireEvent.click(screen.getByTestId("setup-create"));
    await waitFor(() => expect(oncreated).toHaveBeenCalledWith("correct horse battery"));
    expect(shell.argsOf("create_vault")).toEqual([{ password: "correct horse battery" }]);
  });

  it("does not create the vault when the passwords differ", async () => {
    const shell = fakeShell({ create_vault: () => null });
    render(FirstRun, { oncreated: () => {} });
    await type("setup-password", "correct horse battery");
    await type("setup-password-confirm", "correct horse batterY");
    await fireEvent.click(screen.getByTestId("setup-create"));
    expect(screen.getByTestId("field-error").textContent).toBe("The passwords do not match.");
    expect(shell.argsOf("create_vault")).toEqual([]);
  });

  it("creates a vault without a password when asked", async () => {
    const shell = fakeShell({ create_vault: () => null });
    const oncreated = vi.fn();
    render(FirstRun, { oncreated });
    await fireEvent.click(screen.getByTestId("setup-no-password"));
    expect((screen.getByTestId("setup-password") as HTMLInputElement).closest("fieldset")!.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("setup-create"));
    await waitFor(() => expect(oncreated).toHaveBeenCalledWith(null));
    expect(shell.argsOf("create_vault")).toEqual([{ password: null }]);
  });

  it("shows the shell's error", async () => {
    fakeShell({ create_vault: reject("keystore", "The Secret Service is not running.") });
    render(FirstRun, { oncreated: () => {} });
    await fireEvent.click(screen.getByTestId("setup-no-password"));
    await fireEvent.click(screen.getByTestId("setup-create"));
    expect((await screen.findByTestId("error")).textContent).toBe("The Secret Service is not running.");
    expect(document.body.textContent).toContain("Unlock the keyring");
  });
});
