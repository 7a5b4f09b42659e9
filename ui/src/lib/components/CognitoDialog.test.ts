import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import CognitoDialog from "./CognitoDialog.svelte";
import { fakeShell, reject } from "../../test-shell";
import type { CognitoStatus } from "../api";

const CONFIGURED: CognitoStatus = {
  configured: true,
  region: "eu-west-1",
  user_pool_id: "eu-west-1_AbC123xyz",
  client_id: "client123",
  has_client_secret: false,
  endpoint: null,
  signed_in: false,
  username: null,
  id_expires_at_ms: null,
  access_expires_at_ms: null,
  claims: null,
  mfa_enrolled: false,
  hosted: null,
  hosted_session: false,
};

const SIGNED_IN: CognitoStatus = {
  ...CONFIGURED,
  signed_in: true,
  username: "alice",
  id_expires_at_ms: Date.now() + 3_600_000,
  access_expires_at_ms: Date.now() + 3_600_000,
  mfa_enrolled: true,
};

async function typeInto(testid: string, value: string) {
  await fireEvent.input(await screen.findByTestId(testid), { target: { value } });
}

/** The dialog's title: which screen it shows. */
function title(): string {
  return screen.getByRole("heading", { level: 2 }).textContent ?? "";
}

/** Waits until the dialog shows the screen titled `name`. */
async function onScreen(name: string) {
  await waitFor(() => expect(title()).toBe(name));
}

function button(name: string): HTMLButtonElement {
  return screen.getByRole("button", { name }) as HTMLButtonElement;
}

function valueOf(testid: string): string {
  return (screen.getByTestId(testid) as HTMLInputElement).value;
}

describe("CognitoDialog", () => {
  it("asks for the user pool first and saves it", async () => {
    const s = fakeShell({
      cognito_status: () => ({ ...CONFIGURED, configured: false, region: null, user_pool_id: null, client_id: null }),
      cognito_configure: () => CONFIGURED,
    });
    render(CognitoDialog, { onclose: () => {} });
    await typeInto("cognito-region", "eu-west-1");
    await typeInto("cognito-pool-id", "eu-west-1_AbC123xyz");
    await typeInto("cognito-client-id", "client123");
    await fireEvent.click(screen.getByTestId("cognito-save-config"));
    await waitFor(() =>
      expect(s.argsOf("cognito_configure")).toEqual([
        { region: "eu-west-1", userPoolId: "eu-west-1_AbC123xyz", clientId: "client123", clientSecret: null, endpoint: null, hosted: null },
      ]),
    );
    await onScreen("Sign in to Cognito");
    expect(screen.getByTestId("cognito-notice").textContent).toBe("User pool saved.");
    expect(screen.getByText("eu-west-1_AbC123xyz").textContent).toBe("eu-west-1_AbC123xyz");
  });

  it("warns when the endpoint is plain HTTP, and only then", async () => {
    fakeShell({ cognito_status: () => ({ ...CONFIGURED, endpoint: "http://127.0.0.1:4566" }) });
    const { unmount } = render(CognitoDialog, { onclose: () => {} });
    const warning = await screen.findByTestId("cognito-plain-http");
    expect(warning.textContent).toContain("http://127.0.0.1:4566 is plain HTTP");
    unmount();
    fakeShell({ cognito_status: () => ({ ...CONFIGURED, endpoint: "https://vpce.example" }) });
    render(CognitoDialog, { onclose: () => {} });
    await onScreen("Sign in to Cognito");
    expect(screen.queryByTestId("cognito-plain-http")).toBeNull();
  });

  it("signs in, answers the authenticator from the vault and shows who is signed in", async () => {
    let signedIn = false;
    const s = fakeShell({
      cognito_status: () => (signedIn ? SIGNED_IN : CONFIGURED),
      cognito_sign_in: () => ({ prompt: "mfa_code", kind: "totp", answerable_from_vault: true }),
      cognito_answer_mfa_from_vault: () => {
        signedIn = true;
        return { prompt: "done" };
      },
      cognito_whoami: () => ({ ...SIGNED_IN, claims: { sub: "1234", email: "alice@example.com", username: "alice", provider: null } }),
    });
    render(CognitoDialog, { onclose: () => {} });
    await typeInto("cognito-username", "alice");
    await typeInto("cognito-password", "correct horse");
    await fireEvent.click(screen.getByTestId("cognito-sign-in"));
    const fromVault = await screen.findByTestId("cognito-mfa-from-vault");
    await waitFor(() => expect(document.activeElement).toBe(fromVault));
    await fireEvent.click(fromVault);
    const identity = await screen.findByTestId("cognito-identity");
    await waitFor(() => expect(identity.textContent).toContain("alice@example.com"));
    expect(identity.textContent).toContain("alice");
    expect(s.argsOf("cognito_sign_in")).toEqual([{ username: "alice", password: "correct horse" }]);
    expect(s.argsOf("cognito_answer_mfa")).toEqual([]);
    expect(title()).toBe("Cognito");
    expect(screen.getByTestId("cognito-identity-mfa").textContent).toBe("Sesame is the authenticator app");
    // Once the sign-in is over, the signed-in actions are there to use.
    await waitFor(() => expect(button("Sign out").disabled).toBe(false));
    expect(button("Stop using Sesame for MFA").disabled).toBe(false);
  });

  it("shows why a sign-in failed", async () => {
    fakeShell({
      cognito_status: () => CONFIGURED,
      cognito_sign_in: reject("cognito", "Incorrect username or password"),
    });
    render(CognitoDialog, { onclose: () => {} });
    await typeInto("cognito-username", "alice");
    await typeInto("cognito-password", "wrong");
    await fireEvent.click(screen.getByTestId("cognito-sign-in"));
    expect((await screen.findByTestId("error")).textContent).toBe("Incorrect username or password");
    // The sign-in screen stays, ready to try again with what was typed.
    expect(title()).toBe("Sign in to Cognito");
    expect(button("Sign in").disabled).toBe(false);
    expect(valueOf("cognito-username")).toBe("alice");
    expect(valueOf("cognito-password")).toBe("wrong");
  });

  it("types a code when Sesame does not hold the authenticator", async () => {
    const s = fakeShell({
      cognito_status: () => CONFIGURED,
      cognito_sign_in: () => ({ prompt: "mfa_code", kind: "sms", destination: "+*******1234", answerable_from_vault: false }),
      cognito_answer_mfa: reject("cognito", "The code is not right; check it and try again"),
    });
    render(CognitoDialog, { onclose: () => {} });
    await typeInto("cognito-username", "alice");
    await typeInto("cognito-password", "pw");
    await fireEvent.click(screen.getByTestId("cognito-sign-in"));
    await typeInto("cognito-mfa-code", "123456");
    expect(screen.queryByTestId("cognito-mfa-from-vault")).toBeNull();
    await fireEvent.click(screen.getByTestId("cognito-mfa-submit"));
    expect((await screen.findByTestId("error")).textContent).toContain("code is not right");
    expect(s.argsOf("cognito_answer_mfa")).toEqual([{ code: "123456" }]);
  });

  it("signs up, then confirms with the code", async () => {
    const s = fakeShell({
      cognito_status: () => CONFIGURED,
      cognito_sign_up: () => ({ confirmed: false, destination: "a***@e***.com", medium: "EMAIL" }),
      cognito_confirm: () => null,
    });
    render(CognitoDialog, { onclose: () => {} });
    await fireEvent.click(await screen.findByTestId("cognito-show-sign-up"));
    await typeInto("cognito-signup-username", "alice");
    await typeInto("cognito-signup-email", "alice@example.com");
    await typeInto("cognito-signup-password", "Secret-123");
    await fireEvent.click(screen.getByTestId("cognito-signup-submit"));
    await typeInto("cognito-confirm-code", "424242");
    expect(screen.getByTestId("cognito-notice").textContent).toContain("by email to a***@e***.com");
    await fireEvent.click(screen.getByTestId("cognito-confirm-submit"));
    await waitFor(() => expect(s.argsOf("cognito_confirm")).toEqual([{ username: "alice", code: "424242" }]));
    await onScreen("Sign in to Cognito");
    expect(screen.getByTestId("cognito-notice").textContent).toBe("Account confirmed: sign in.");
    expect(valueOf("cognito-username")).toBe("alice");
  });

  it("resets a forgotten password", async () => {
    const s = fakeShell({
      cognito_status: () => CONFIGURED,
      cognito_forgot_password: () => ({ confirmed: false, destination: null, medium: null }),
      cognito_confirm_forgot_password: () => null,
    });
    render(CognitoDialog, { onclose: () => {} });
    await typeInto("cognito-username", "alice");
    await fireEvent.click(screen.getByTestId("cognito-forgot"));
    await typeInto("cognito-reset-code", "111222");
    await typeInto("cognito-reset-password", "New-pass-1");
    await fireEvent.click(screen.getByTestId("cognito-reset-submit"));
    await waitFor(() =>
      expect(s.argsOf("cognito_confirm_forgot_password")).toEqual([{ username: "alice", code: "111222", password: "New-pass-1" }]),
    );
  });

  it("turns Sesame on as the MFA app and signs out", async () => {
    let changed = 0;
    const s = fakeShell({
      cognito_status: () => ({ ...SIGNED_IN, mfa_enrolled: false }),
      cognito_whoami: () => ({ ...SIGNED_IN, mfa_enrolled: false, claims: { sub: "1", email: null, username: "alice", provider: null } }),
      cognito_enable_mfa: () => SIGNED_IN,
      cognito_sign_out: () => ({ status: CONFIGURED, hosted: null, hosted_error: null }),
    });
    render(CognitoDialog, { onclose: () => {}, onchanged: () => changed++ });
    await fireEvent.click(await screen.findByTestId("cognito-enable-mfa"));
    await waitFor(() => expect(screen.getByTestId("cognito-identity-mfa").textContent).toBe("Sesame is the authenticator app"));
    expect(screen.getByTestId("cognito-notice").textContent).toContain("now this user's authenticator app");
    expect(button("Stop using Sesame for MFA").disabled).toBe(false);
    expect(changed).toBe(1);
    await fireEvent.click(screen.getByTestId("cognito-sign-out"));
    await onScreen("Sign in to Cognito");
    expect(screen.getByTestId("cognito-notice").textContent).toBe("Signed out.");
    expect(screen.queryByTestId("cognito-identity")).toBeNull();
    expect(s.argsOf("cognito_sign_out")).toHaveLength(1);
  });

  it("chooses the new password Cognito asks for, with the attributes the pool requires", async () => {
    let signedIn = false;
    const s = fakeShell({
      cognito_status: () => (signedIn ? { ...SIGNED_IN, mfa_enrolled: false } : CONFIGURED),
      cognito_sign_in: () => ({ prompt: "new_password", required_attributes: ["name", "custom:team"] }),
      cognito_set_new_password: (args) => {
        if (args.password === "short") return Promise.reject({ kind: "cognito", message: "The password does not meet the user pool's policy: length" });
        signedIn = true;
        return { prompt: "done" };
      },
      cognito_whoami: () => ({ ...SIGNED_IN, mfa_enrolled: false, claims: { sub: "1", email: null, username: "hana", provider: null } }),
    });
    render(CognitoDialog, { onclose: () => {} });
    await typeInto("cognito-username", "hana");
    await typeInto("cognito-password", "Temporary-Pass-1");
    await fireEvent.click(screen.getByTestId("cognito-sign-in"));
    const input = await screen.findByTestId("cognito-new-password");
    expect(screen.queryByTestId("cognito-unsupported")).toBeNull();
    // Every field has a label; the required attributes each have their own input.
    expect(screen.getByLabelText("New password")).toBe(input);
    expect(screen.getByLabelText("Full name")).toBe(screen.getByTestId("cognito-attr-name"));
    expect(screen.getByLabelText("Team")).toBe(screen.getByTestId("cognito-attr-custom:team"));
    await waitFor(() => expect(document.activeElement).toBe(input));
    const submit = screen.getByTestId("cognito-new-password-submit") as HTMLButtonElement;
    await typeInto("cognito-new-password", "short");
    await typeInto("cognito-attr-name", " Hana Tanaka ");
    expect(submit.disabled).toBe(true); // the team is still missing
    await typeInto("cognito-attr-custom:team", "Ops");
    expect(submit.disabled).toBe(false);

    // A password the policy refuses: the screen stays, with the reason.
    await fireEvent.click(submit);
    expect((await screen.findByTestId("error")).textContent).toContain("policy");
    expect(title()).toBe("Choose a new password");
    expect(valueOf("cognito-new-password")).toBe("short");
    expect(valueOf("cognito-attr-custom:team")).toBe("Ops");
    await typeInto("cognito-new-password", "Battery-Staple-7");
    await fireEvent.submit(screen.getByTestId("cognito-new-password"));
    await waitFor(() => expect(screen.getByTestId("cognito-identity-username").textContent).toBe("hana"));
    expect(title()).toBe("Cognito");
    expect(s.argsOf("cognito_set_new_password")).toEqual([
      { password: "short", attributes: { name: "Hana Tanaka", "custom:team": "Ops" } },
      { password: "Battery-Staple-7", attributes: { name: "Hana Tanaka", "custom:team": "Ops" } },
    ]);
  });

  it("sets Sesame up as the authenticator when the pool requires MFA", async () => {
    let signedIn = false;
    let changed = 0;
    const s = fakeShell({
      cognito_status: () => (signedIn ? SIGNED_IN : CONFIGURED),
      cognito_sign_in: () => ({ prompt: "mfa_setup" }),
      cognito_set_up_mfa: () => {
        signedIn = true;
        return { prompt: "done" };
      },
      cognito_whoami: () => ({ ...SIGNED_IN, claims: { sub: "1", email: null, username: "alice", provider: null } }),
    });
    render(CognitoDialog, { onclose: () => {}, onchanged: () => changed++ });
    await typeInto("cognito-username", "alice");
    await typeInto("cognito-password", "pw");
    await fireEvent.click(screen.getByTestId("cognito-sign-in"));
    const button = await screen.findByTestId("cognito-set-up-mfa");
    expect(screen.getByTestId("cognito-dialog").textContent).toContain("authenticator app");
    await waitFor(() => expect(document.activeElement).toBe(button));
    await fireEvent.click(button);
    await waitFor(() => expect(screen.getByTestId("cognito-identity-username").textContent).toBe("alice"));
    await waitFor(() => expect(screen.getByTestId("cognito-notice").textContent).toContain("authenticator app"));
    expect(screen.getByTestId("cognito-identity-mfa").textContent).toContain("Sesame");
    expect(changed).toBe(1);
    expect(s.argsOf("cognito_set_up_mfa")).toEqual([{}]);
  });

  it("says MFA by text message or email must be set up elsewhere", async () => {
    const s = fakeShell({
      cognito_status: () => CONFIGURED,
      cognito_sign_in: () => ({ prompt: "unsupported", why: "mfa_setup_by_text_or_email" }),
    });
    render(CognitoDialog, { onclose: () => {} });
    await typeInto("cognito-username", "alice");
    await typeInto("cognito-password", "pw");
    await fireEvent.click(screen.getByTestId("cognito-sign-in"));
    const text = (await screen.findByTestId("cognito-unsupported")).textContent ?? "";
    expect(text).toContain("text message or email");
    expect(text).toContain("elsewhere");
    expect(screen.queryByTestId("cognito-set-up-mfa")).toBeNull();
    expect(s.argsOf("cognito_set_up_mfa")).toEqual([]);
  });

  describe("the hosted page", () => {
    const HOSTED: CognitoStatus = {
      ...CONFIGURED,
      hosted: {
        domain: "https://sesame.auth.eu-west-1.amazoncognito.com",
        scopes: "openid email profile",
        redirect_port: 7372,
        providers: ["Google", "Corp"],
        callback_url: "http://127.0.0.1:7372/callback",
      },
    };
    const STARTED = {
      url: "https://sesame.auth.eu-west-1.amazoncognito.com/oauth2/authorize?state=s1",
      redirect_uri: "http://127.0.0.1:7372/callback",
      opened: false,
      page_codes: [],
    };

    it("saves the domain, port, scopes and providers with the pool", async () => {
      const s = fakeShell({
        cognito_status: () => ({ ...CONFIGURED, configured: false, region: null, user_pool_id: null, client_id: null }),
        cognito_configure: () => HOSTED,
      });
      render(CognitoDialog, { onclose: () => {} });
      await typeInto("cognito-region", "eu-west-1");
      await typeInto("cognito-pool-id", "eu-west-1_AbC123xyz");
      await typeInto("cognito-client-id", "client123");
      await typeInto("cognito-domain", "https://sesame.auth.eu-west-1.amazoncognito.com");
      await typeInto("cognito-redirect-port", "70000");
      expect((screen.getByTestId("cognito-save-config") as HTMLButtonElement).disabled).toBe(true);
      await typeInto("cognito-redirect-port", "7400");
      await typeInto("cognito-providers", "Google, Corp Google");
      expect(screen.getByTestId("cognito-callback-hint").textContent).toContain("http://127.0.0.1:7400/callback");
      expect(screen.getByTestId("cognito-callback-hint").textContent).toContain("http://127.0.0.1:7400/signed-out as a sign-out URL (sesame://callback and sesame://signed-out on phones)");
      await fireEvent.click(screen.getByTestId("cognito-save-config"));
      await waitFor(() =>
        expect(s.argsOf("cognito_configure")[0]?.hosted).toEqual({
          domain: "https://sesame.auth.eu-west-1.amazoncognito.com",
          scopes: "",
          redirect_port: 7400,
          providers: ["Google", "Corp", "Google"],
        }),
      );
      await onScreen("Sign in to Cognito");
      expect(screen.getAllByTestId("cognito-hosted-provider").map((b) => b.textContent?.trim())).toEqual(["Continue with Google", "Continue with Corp"]);
    });

    it("offers no hosted sign-in without a domain", async () => {
      fakeShell({ cognito_status: () => CONFIGURED });
      render(CognitoDialog, { onclose: () => {} });
      await onScreen("Sign in to Cognito");
      expect(screen.queryByTestId("cognito-hosted-sign-in")).toBeNull();
    });

    it("waits for the browser showing the link, and ends signed in", async () => {
      let answer: (s: CognitoStatus) => void = () => {};
      const s = fakeShell({
        cognito_status: () => HOSTED,
        cognito_hosted_start: () => STARTED,
        cognito_hosted_wait: () => new Promise<CognitoStatus>((ok) => (answer = ok)),
        cognito_hosted_copy_link: () => null,
        cognito_whoami: () => ({ ...SIGNED_IN, hosted: HOSTED.hosted, hosted_session: true, claims: { sub: "1", email: "g@example.com", username: "google_1", provider: "Google" } }),
      });
      render(CognitoDialog, { onclose: () => {} });
      await fireEvent.click(await screen.findByRole("button", { name: "Continue with Google" }));
      await onScreen("Sign in with the hosted page");
      expect(s.argsOf("cognito_hosted_start")).toEqual([{ identityProvider: "Google" }]);
      expect(screen.getByTestId("cognito-hosted-link").textContent).toBe(STARTED.url);
      expect(screen.getByTestId("cognito-hosted-hint").textContent).toContain("No browser could be opened");
      await fireEvent.click(screen.getByTestId("cognito-hosted-copy"));
      await waitFor(() => expect(screen.getByTestId("cognito-hosted-copy").textContent).toBe("Link copied"));
      answer({ ...SIGNED_IN, hosted: HOSTED.hosted, hosted_session: true });
      await onScreen("Cognito");
      await waitFor(() => expect(screen.getByTestId("cognito-identity-provider").textContent).toBe("Google"));
      expect(screen.getByTestId("cognito-identity-username").textContent).toBe("google_1");
    });

    it("shows the code of the pool's vault account for the page's MFA step, and copies it as the list does", async () => {
      const account = { id: "a".repeat(32), label: "Cognito (eu-west-1_AbC123xyz): alice" };
      let code = "492039";
      const s = fakeShell({
        cognito_status: () => HOSTED,
        cognito_hosted_start: () => ({ ...STARTED, page_codes: [account] }),
        cognito_hosted_wait: () => new Promise<CognitoStatus>(() => {}),
        codes: () => [
          { id: account.id, code, next_code: "111111", valid_for_ms: 20_000, period_ms: 30_000 },
          { id: "b".repeat(32), code: "999999", next_code: null, valid_for_ms: 20_000, period_ms: 30_000 },
        ],
        copy_code: () => ({ clear_after_secs: 30 }),
      });
      render(CognitoDialog, { onclose: () => {} });
      await fireEvent.click(await screen.findByTestId("cognito-hosted-sign-in"));
      await onScreen("Sign in with the hosted page");
      const section = await screen.findByTestId("cognito-page-codes");
      expect(section.textContent).toContain("If the page asks for a code:");
      expect(screen.getByTestId("cognito-page-code-label").textContent).toBe(account.label);
      await waitFor(() => expect(screen.getByTestId("cognito-page-code-value").textContent).toBe("492 039"));
      expect(screen.getAllByTestId("cognito-page-code")).toHaveLength(1);
      await fireEvent.click(screen.getByTestId("cognito-page-code-copy"));
      await waitFor(() => expect(s.argsOf("copy_code")).toEqual([{ id: account.id }]));
      expect((await screen.findByTestId("cognito-page-code-copied")).textContent).toContain("The clipboard clears in");
      code = "123456";
      await waitFor(() => expect(screen.getByTestId("cognito-page-code-value").textContent).toBe("123 456"), { timeout: 3000 });
    });

    it("shows no codes while signing out of the hosted page", async () => {
      fakeShell({
        cognito_status: () => ({ ...SIGNED_IN, hosted: HOSTED.hosted, hosted_session: true }),
        cognito_whoami: () => ({ ...SIGNED_IN, hosted: HOSTED.hosted, hosted_session: true, claims: { sub: "1", email: null, username: "alice", provider: null } }),
        cognito_sign_out: () => ({
          status: HOSTED,
          hosted: { ...STARTED, redirect_uri: "sesame://signed-out", page_codes: [{ id: "a".repeat(32), label: "Cognito (x): alice" }] },
          hosted_error: null,
        }),
        cognito_hosted_sign_out_wait: () => new Promise<null>(() => {}),
      });
      render(CognitoDialog, { onclose: () => {} });
      await fireEvent.click(await screen.findByTestId("cognito-sign-out"));
      await onScreen("Sign out of the hosted page");
      expect(screen.getByTestId("cognito-hosted-waiting").textContent).toContain("Signing out of the hosted page");
      expect(screen.queryByTestId("cognito-page-codes")).toBeNull();
    });

    it("shows the browser's refusal in words and goes back to the sign-in", async () => {
      fakeShell({
        cognito_status: () => HOSTED,
        cognito_hosted_start: () => STARTED,
        cognito_hosted_wait: reject("cognito", "the hosted page refused the sign-in: access_denied (User cancelled)"),
      });
      render(CognitoDialog, { onclose: () => {} });
      await fireEvent.click(await screen.findByTestId("cognito-hosted-sign-in"));
      await onScreen("Sign in to Cognito");
      expect((await screen.findByTestId("error")).textContent).toContain("access_denied (User cancelled)");
    });

    const SIGN_OUT_STARTED = {
      url: "https://sesame.auth.eu-west-1.amazoncognito.com/logout?client_id=c&logout_uri=http%3A%2F%2F127.0.0.1%3A7372%2Fsigned-out",
      redirect_uri: "http://127.0.0.1:7372/signed-out",
      opened: true,
      page_codes: [],
    };
    const HOSTED_SIGNED_IN = { ...SIGNED_IN, hosted: HOSTED.hosted, hosted_session: true };

    it("signing out of a hosted session waits for the browser to leave the hosted page too", async () => {
      let back: (v: null) => void = () => {};
      const s = fakeShell({
        cognito_status: () => HOSTED_SIGNED_IN,
        cognito_whoami: () => ({ ...HOSTED_SIGNED_IN, claims: { sub: "1", email: null, username: "alice", provider: null } }),
        cognito_sign_out: () => ({ status: HOSTED, hosted: SIGN_OUT_STARTED, hosted_error: null }),
        cognito_hosted_sign_out_wait: () => new Promise<null>((ok) => (back = ok)),
        cognito_hosted_copy_link: () => null,
      });
      render(CognitoDialog, { onclose: () => {} });
      await fireEvent.click(await screen.findByTestId("cognito-sign-out"));
      await onScreen("Sign out of the hosted page");
      expect(screen.getByTestId("cognito-hosted-waiting").textContent).toContain("Signing out of the hosted page in your browser");
      expect(screen.getByTestId("cognito-hosted-link").textContent).toBe(SIGN_OUT_STARTED.url);
      expect(screen.getByTestId("cognito-hosted-hint").textContent).toContain("Your tokens are revoked");
      await fireEvent.click(screen.getByTestId("cognito-hosted-copy"));
      await waitFor(() => expect(s.argsOf("cognito_hosted_copy_link")).toHaveLength(1));
      back(null);
      await onScreen("Sign in to Cognito");
      expect(screen.getByTestId("cognito-notice").textContent).toBe("Signed out, of the hosted page too.");
      expect(screen.queryByTestId("error")).toBeNull();
    });

    it("cancelling the hosted page's sign-out says its browser session may remain", async () => {
      let stop: (e: unknown) => void = () => {};
      const message = "Signed out: the tokens are revoked and forgotten, but the browser's session with the hosted page may remain (its sign-out was cancelled).";
      const s = fakeShell({
        cognito_status: () => HOSTED_SIGNED_IN,
        cognito_whoami: () => ({ ...HOSTED_SIGNED_IN, claims: { sub: "1", email: null, username: "alice", provider: null } }),
        cognito_sign_out: () => ({ status: HOSTED, hosted: SIGN_OUT_STARTED, hosted_error: null }),
        cognito_hosted_sign_out_wait: () => new Promise<null>((_, fail) => (stop = fail)),
        cognito_hosted_cancel: () => {
          stop({ kind: "cognito", message });
          return null;
        },
      });
      render(CognitoDialog, { onclose: () => {} });
      await fireEvent.click(await screen.findByTestId("cognito-sign-out"));
      await onScreen("Sign out of the hosted page");
      await fireEvent.click(screen.getByTestId("cognito-hosted-cancel"));
      await onScreen("Sign in to Cognito");
      expect(screen.getByTestId("cognito-notice").textContent).toBe(message);
      expect(screen.queryByTestId("error")).toBeNull();
      expect(s.argsOf("cognito_hosted_cancel")).toHaveLength(1);
    });

    it("a hosted sign-out that cannot start still signs out, saying why", async () => {
      fakeShell({
        cognito_status: () => HOSTED_SIGNED_IN,
        cognito_whoami: () => ({ ...HOSTED_SIGNED_IN, claims: { sub: "1", email: null, username: "alice", provider: null } }),
        cognito_sign_out: () => ({ status: HOSTED, hosted: null, hosted_error: "cannot listen on 127.0.0.1:7372: the port is in use" }),
      });
      render(CognitoDialog, { onclose: () => {} });
      await fireEvent.click(await screen.findByTestId("cognito-sign-out"));
      await onScreen("Sign in to Cognito");
      expect(screen.getByTestId("cognito-notice").textContent).toContain("may remain: cannot listen on 127.0.0.1:7372");
    });

    it("cancel stops the wait without an error, and closing the dialog cancels", async () => {
      let stop: (e: unknown) => void = () => {};
      const s = fakeShell({
        cognito_status: () => HOSTED,
        cognito_hosted_start: () => STARTED,
        cognito_hosted_wait: () => new Promise<CognitoStatus>((_, fail) => (stop = fail)),
        cognito_hosted_cancel: () => {
          stop({ kind: "cognito", message: "The sign-in through the hosted page was cancelled." });
          return null;
        },
      });
      const { unmount } = render(CognitoDialog, { onclose: () => {} });
      await fireEvent.click(await screen.findByTestId("cognito-hosted-sign-in"));
      await onScreen("Sign in with the hosted page");
      await fireEvent.click(screen.getByTestId("cognito-hosted-cancel"));
      await onScreen("Sign in to Cognito");
      expect(screen.getByTestId("cognito-notice").textContent).toBe("Sign-in through the hosted page cancelled.");
      expect(screen.queryByTestId("error")).toBeNull();
      await fireEvent.click(screen.getByTestId("cognito-hosted-sign-in"));
      await onScreen("Sign in with the hosted page");
      unmount();
      expect(s.argsOf("cognito_hosted_cancel")).toHaveLength(2);
    });
  });
});
