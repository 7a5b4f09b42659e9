import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import CognitoDialog from "./components/CognitoDialog.svelte";
import { listAccounts } from "./api";
import { installDevMock } from "./devMock";

async function typeInto(testid: string, value: string) {
  await fireEvent.input(await screen.findByTestId(testid), { target: { value } });
}

async function signIn(username: string) {
  await typeInto("cognito-username", username);
  await typeInto("cognito-password", "Correct-Horse-9");
  await fireEvent.click(screen.getByTestId("cognito-sign-in"));
}

describe("the dev mock", () => {
  it("clicks through every Cognito sign-in step", async () => {
    // No idle timer in a test.
    vi.spyOn(window, "setInterval").mockReturnValue(0 as unknown as ReturnType<typeof setInterval>);
    vi.spyOn(console, "info").mockImplementation(() => {});
    history.replaceState(null, "", "/?state=unlocked&cognito=configured");
    installDevMock();
    render(CognitoDialog, { onclose: () => {} });

    // An invited user chooses a new password and gives the name the pool requires.
    await signIn("invited");
    await typeInto("cognito-new-password", "Battery-Staple-7");
    await typeInto("cognito-attr-name", "Ivy Invited");
    await fireEvent.click(screen.getByTestId("cognito-new-password-submit"));
    await waitFor(() => expect(screen.getByTestId("cognito-identity-username").textContent).toBe("invited"));
    await fireEvent.click(screen.getByTestId("cognito-sign-out"));

    // A pool that requires MFA: Sesame becomes the authenticator, an account is added.
    await signIn("newuser");
    await fireEvent.click(await screen.findByTestId("cognito-set-up-mfa"));
    await waitFor(() => expect(screen.getByTestId("cognito-identity-mfa").textContent).toContain("Sesame"));
    expect((await listAccounts()).some((a) => a.issuer?.startsWith("Cognito (") && a.name === "newuser")).toBe(true);
    await fireEvent.click(screen.getByTestId("cognito-sign-out"));

    // The next sign-in answers from the vault; text-message-only MFA setup is explained.
    await signIn("newuser");
    await fireEvent.click(await screen.findByTestId("cognito-mfa-from-vault"));
    await fireEvent.click(await screen.findByTestId("cognito-sign-out"));
    await signIn("smsonly");
    expect((await screen.findByTestId("cognito-unsupported")).textContent).toContain("text message or email");
  });
});
