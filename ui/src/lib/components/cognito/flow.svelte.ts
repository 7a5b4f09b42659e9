// What the Cognito dialog's screens share: which screen shows, the shell's status and the
// waiting sign-in's prompt, the error and notice above every screen, the busy flag, and the
// user's name, email and password (typed on one screen, used by the next). The screens do
// their own work through `run`/`submit` and move on with `go`, `after` or `show`; how the
// sign-in goes on is the shell's `Prompt`, which `after` only renders.
import {
  cognitoHostedCancel,
  cognitoHostedSignOutWait,
  cognitoHostedStart,
  cognitoHostedWait,
  cognitoSignOut,
  cognitoStatus,
  cognitoWhoami,
  type AppError,
  type CodeSent,
  type CognitoStatus,
  type HostedStarted,
  type SignedOut,
  type SignInPrompt,
} from "../../api";
import { toAppError } from "../../errors";

export type Screen =
  | "loading"
  | "configure"
  | "sign_in"
  | "sign_up"
  | "confirm"
  | "reset"
  | "mfa"
  | "new_password"
  | "mfa_setup"
  | "unsupported"
  | "hosted"
  | "signed_in";

/** The screen that shows each prompt (the shell decides which prompt comes next). */
const promptScreen = {
  mfa_code: "mfa",
  new_password: "new_password",
  mfa_setup: "mfa_setup",
  unsupported: "unsupported",
  select_mfa: "unsupported",
  password: "sign_in",
} as const satisfies Record<Exclude<SignInPrompt["prompt"], "done">, Screen>;

export class CognitoFlow {
  screen = $state<Screen>("loading");
  info = $state<CognitoStatus | null>(null);
  /** What the waiting sign-in asks (the shell's prompt, rendered as it is). */
  prompt = $state<SignInPrompt | null>(null);
  error = $state<AppError | null>(null);
  notice = $state<string | null>(null);
  busy = $state(false);
  /** The hosted sign-in waiting for the browser: its address and where it comes back. */
  hosted = $state<HostedStarted | null>(null);
  /** `hosted` is the hosted page's sign-out (after the app's), not a sign-in. */
  hostedSigningOut = $state(false);
  /** The user cancelled the hosted sign-in or sign-out (its end is then no error). */
  private hostedCancelled = false;

  username = $state("");
  email = $state("");
  password = $state("");

  /** `onchanged`: the vault's accounts changed (Sesame became or stopped being the authenticator). */
  constructor(readonly onchanged: () => void = () => {}) {}

  /** The status at opening, and who is signed in if someone is. */
  async load(): Promise<void> {
    try {
      this.show(await cognitoStatus());
      if (this.info?.signed_in) await this.whoami();
    } catch (err) {
      this.error = toAppError(err);
      this.screen = "configure";
    }
  }

  /** A status from the shell: the screen it calls for (a form in progress stays). */
  show(s: CognitoStatus): void {
    this.info = s;
    if (!s.configured) {
      this.screen = "configure";
    } else if (s.signed_in) {
      this.screen = "signed_in";
    } else if (this.screen === "loading" || this.screen === "configure" || this.screen === "signed_in") {
      this.screen = "sign_in";
    }
  }

  /** Another screen, chosen by the user: the last error and notice go. */
  go(next: Screen): void {
    this.error = null;
    this.notice = null;
    this.screen = next;
  }

  /** Runs `work` with the busy flag and the error shown. */
  async run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      await work();
    } catch (err) {
      this.error = toAppError(err);
    } finally {
      this.busy = false;
    }
  }

  /** A form's submit: runs `work` unless work is already running. */
  submit(e: SubmitEvent, work: () => Promise<void>): void {
    e.preventDefault();
    if (!this.busy) this.run(work);
  }

  /** The sign-in's next prompt: its screen, or the signed-in view once it is done. */
  async after(next: SignInPrompt): Promise<void> {
    if (next.prompt === "done") {
      this.prompt = null;
      this.info = await cognitoStatus();
      this.screen = "signed_in";
      await this.whoami();
      return;
    }
    this.prompt = next;
    this.screen = promptScreen[next.prompt];
  }

  /**
   * Signs in through the hosted page (straight to `provider` if given): the shell opens the
   * browser, this shows the waiting screen with the address, and the browser's answer ends
   * it signed in, or with the error in words (or a cancel, or a lock).
   */
  async signInHosted(provider: string | null): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.notice = null;
    this.hostedCancelled = false;
    try {
      this.hosted = await cognitoHostedStart(provider);
      this.screen = "hosted";
    } catch (err) {
      this.error = toAppError(err);
      return;
    } finally {
      this.busy = false;
    }
    try {
      const s = await cognitoHostedWait();
      this.hosted = null;
      this.info = s;
      this.screen = "signed_in";
      await this.whoami();
    } catch (err) {
      this.hosted = null;
      this.screen = "sign_in";
      if (this.hostedCancelled) {
        this.notice = "Sign-in through the hosted page cancelled.";
      } else {
        this.error = toAppError(err);
      }
    }
  }

  /**
   * Signs out (the shell revokes and forgets the tokens). A session from the hosted page
   * also ends the page's own session: the shell opens the browser on its `/logout`, this
   * shows the waiting screen, and the browser's return ends it signed out; a cancel, a
   * lock or the time running out says the browser's session may remain.
   */
  async signOut(): Promise<void> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    this.hostedCancelled = false;
    let out: SignedOut;
    try {
      out = await cognitoSignOut();
    } catch (err) {
      this.error = toAppError(err);
      return;
    } finally {
      this.busy = false;
    }
    this.info = out.status;
    this.password = "";
    if (!out.hosted) {
      this.screen = "sign_in";
      this.notice = out.hosted_error
        ? `Signed out. The browser's session with the hosted page may remain: ${out.hosted_error}`
        : "Signed out.";
      return;
    }
    this.hosted = out.hosted;
    this.hostedSigningOut = true;
    this.screen = "hosted";
    try {
      await cognitoHostedSignOutWait();
      this.notice = "Signed out, of the hosted page too.";
    } catch (err) {
      const e = toAppError(err);
      if (this.hostedCancelled) this.notice = e.message;
      else this.error = e;
    } finally {
      this.hosted = null;
      this.hostedSigningOut = false;
      this.screen = "sign_in";
    }
  }

  /** Cancels the hosted sign-in or sign-out: the shell stops listening for the browser. */
  async cancelHosted(): Promise<void> {
    if (!this.hosted) return;
    this.hostedCancelled = true;
    try {
      await cognitoHostedCancel();
    } catch (err) {
      this.error = toAppError(err);
    }
  }

  /** Verified claims; a failure shows but keeps the stored status. */
  async whoami(): Promise<void> {
    try {
      this.info = await cognitoWhoami();
      if (!this.info.signed_in) this.show(this.info);
    } catch (err) {
      this.error = toAppError(err);
      try {
        this.show(await cognitoStatus());
      } catch {
        // keep what is shown
      }
    }
  }
}

/** Where a code went, to end "A code was sent…" (empty when the pool does not say). */
export function sentTo(sent: CodeSent): string {
  if (!sent.destination) return "";
  if (sent.medium === "EMAIL") return ` by email to ${sent.destination}`;
  if (sent.medium === "SMS") return ` by text message to ${sent.destination}`;
  return ` to ${sent.destination}`;
}
