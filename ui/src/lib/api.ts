// The contract between the web view and the Tauri shell (`src-tauri/src/commands/`).
// Every command rejects with an `AppError`. The web view never receives an OTP secret,
// except from `reveal_secret` and the export commands, which the user asks for.

import { invoke } from "@tauri-apps/api/core";

/** Every rejected command carries this. `kind` is stable; `message` is for people. */
export interface AppError {
  kind:
    | "no_vault" // no vault yet: show first run
    | "vault_exists" // creating a vault where one exists
    | "not_a_vault" // the vault file is not a Sesame vault
    | "damaged" // the vault or a backup is broken
    | "tampered" // the vault file was changed outside Sesame
    | "newer_version" // written by a newer Sesame
    | "unknown_format" // names a format or algorithm this Sesame does not know
    | "locked" // the vault is locked: show the unlock screen
    | "wrong_password"
    | "password_required"
    | "keystore" // OS keystore locked or refused access
    | "keystore_unavailable" // no OS keystore running (or none on this platform)
    | "keystore_damaged" // the device key in the keystore is damaged or stored twice
    | "keystore_insecure" // the keystore file is readable by other users
    | "bound_to_another_device"
    | "busy" // another process holds the vault
    | "invalid_input" // a link, secret or form field is wrong; message says which
    | "not_found" // account id or pending import unknown
    | "ambiguous" // a name matches several accounts
    | "no_codes" // a stored account cannot make codes
    | "no_qr_code" // image or screen had no readable QR code
    | "io"
    | "time" // NTP measurement failed
    | "cognito" // Cognito refused; the message says what to correct (issue 5)
    | "network" // Cognito could not be reached or did not answer in time
    | "signed_out" // not signed in to Cognito, or the session ended: sign in again
    | "cognito_setup" // the Cognito settings cannot work with this pool or endpoint
    | "internal";
  message: string;
}

export type AppState = "no_vault" | "locked" | "unlocked";

export interface Status {
  state: AppState;
  /** Whether the vault asks for a password (false before a vault exists). */
  has_password: boolean;
  /** Where the vault lives, for the settings screen. */
  vault_path: string;
  /** A short description of the keystore holding the device secret. */
  keystore: string;
}

export type Kind = "totp" | "hotp" | "steam";
export type Algorithm = "SHA1" | "SHA256" | "SHA512";

/** An account as the UI sees it: no secret. */
export interface AccountView {
  id: string;
  issuer: string | null;
  name: string;
  kind: Kind;
  algorithm: Algorithm;
  digits: number;
  /** TOTP/Steam period in seconds; null for HOTP. */
  period: number | null;
  /** HOTP counter; null for TOTP. */
  counter: number | null;
  icon: string | null;
  tags: string[];
  note: string | null;
  /** False for entries (e.g. MD5) that cannot produce codes. */
  can_compute: boolean;
}

/** A code for one account at the shell's (corrected) time. */
export interface CodeView {
  id: string;
  /** Digits (or Steam letters), ungrouped; null when the account cannot compute codes,
   *  and for HOTP until the user presses "next code" (then the last code asked for). */
  code: string | null;
  next_code: string | null;
  /** ms until `code` expires; null for HOTP. */
  valid_for_ms: number | null;
  /** Period in ms; null for HOTP. */
  period_ms: number | null;
}

export interface Warning {
  kind: "short_secret" | "issuer_mismatch" | "cannot_compute_codes";
  /** Human sentence. */
  message: string;
}

/** One account found in a link, image, screen or file, waiting for the user's yes. */
export interface PendingAccount {
  issuer: string | null;
  name: string;
  kind: Kind;
  algorithm: Algorithm;
  digits: number;
  period: number | null;
  counter: number | null;
  warnings: Warning[];
  /** Already in the vault (same secret, issuer and name). */
  duplicate: boolean;
}

/** Accounts held by the shell until `confirm_pending` or `discard_pending`. */
export interface Pending {
  pending_id: string;
  /** Where they came from, e.g. "link", "image", "screen", "file", "deep link". */
  source: string;
  accounts: PendingAccount[];
}

export interface Settings {
  auto_lock_secs: number; // 0: never
  clipboard_clear_secs: number; // 0: never
  time_correction: boolean;
  ntp_server: string;
  clock_offset_ms: number;
  /** When the offset was measured (Unix ms); null: never. */
  clock_checked_at_ms: number | null;
  theme: "system" | "light" | "dark";
}

export interface ManualAccount {
  issuer: string | null;
  name: string;
  /** Base32, spaces/dashes/case ignored. */
  secret: string;
  kind: Kind;
  algorithm: Algorithm;
  digits: number;
  period: number;
  counter: number;
}

export interface AccountEdit {
  issuer: string | null;
  name: string;
  tags: string[];
  note: string | null;
}

export interface TimeCheck {
  offset_ms: number;
  delay_ms: number;
  server: string;
}

export interface Revealed {
  secret: string; // canonical Base32
  uri: string; // otpauth://
  qr_svg: string; // the uri as a QR code
}

export interface CopyResult {
  /** Seconds until the clipboard is cleared; 0: it is not cleared. */
  clear_after_secs: number;
}

// ---- vault lifecycle ----
export const status = () => invoke<Status>("status");
export const createVault = (password: string | null) =>
  invoke<void>("create_vault", { password });
export const unlock = (password: string | null) => invoke<void>("unlock", { password });
export const lock = () => invoke<void>("lock");
/** Changes, adds (old null) or removes (new null) the password. */
export const changePassword = (oldPassword: string | null, newPassword: string | null) =>
  invoke<void>("change_password", { oldPassword, newPassword });
/** Tells the shell the user is active (resets the auto-lock timer). */
export const touch = () => invoke<void>("touch");

// ---- accounts and codes ----
export const listAccounts = () => invoke<AccountView[]>("list_accounts");
export const codes = () => invoke<CodeView[]>("codes");
/** HOTP: advances the counter (saved) and returns the new code. */
export const nextHotp = (id: string) => invoke<CodeView>("next_hotp", { id });
/** The shell copies the current code and clears it later if it is still there. */
export const copyCode = (id: string) => invoke<CopyResult>("copy_code", { id });
export const editAccount = (id: string, edit: AccountEdit) =>
  invoke<AccountView>("edit_account", { id, edit });
export const moveAccount = (id: string, position: number) =>
  invoke<void>("move_account", { id, position });
export const deleteAccount = (id: string) => invoke<void>("delete_account", { id });
export const revealSecret = (id: string) => invoke<Revealed>("reveal_secret", { id });

// ---- adding ----
/** An otpauth:// or otpauth-migration:// link. */
export const parseLink = (text: string) => invoke<Pending>("parse_link", { text });
/** Bytes of a dropped, pasted or picked file: an image with QR codes, a text file of
 *  links, or a Sesame backup (rejects with "password_required": call openBackupBytes). */
export const scanImage = (bytes: number[]) => invoke<Pending>("scan_image", { bytes });
/** An image file or an import file (link list, backup) chosen with the dialog. */
export const scanFile = (path: string) => invoke<Pending>("scan_file", { path });
/** Every QR code on every screen. */
export const scanScreen = () => invoke<Pending>("scan_screen");
/** A Sesame backup file needs its password. */
export const openBackup = (path: string, password: string) =>
  invoke<Pending>("open_backup", { path, password });
export const addManual = (account: ManualAccount) =>
  invoke<AccountView>("add_manual", { account });
/** Adds the chosen accounts (indices into `Pending.accounts`); returns the added ones. */
export const confirmPending = (pendingId: string, indices: number[]) =>
  invoke<AccountView[]>("confirm_pending", { pendingId, indices });
export const discardPending = (pendingId: string) =>
  invoke<void>("discard_pending", { pendingId });
/** A link the app was opened with (deep link) that the UI has not shown yet; always null
 *  while locked (the link waits: ask again after unlocking). */
export const takeDeepLink = () => invoke<Pending | null>("take_deep_link");

// ---- import / export ----
export const exportBackup = (path: string, password: string) =>
  invoke<number>("export_backup", { path, password });
export const exportOtpauth = (path: string) => invoke<number>("export_otpauth", { path });
/** Google Authenticator transfer codes, as SVGs, to show on screen. */
export const exportMigrationQr = () => invoke<string[]>("export_migration_qr");

// ---- settings and time ----
export const getSettings = () => invoke<Settings>("get_settings");
export const setSettings = (settings: Settings) => invoke<Settings>("set_settings", { settings });
export const checkTime = () => invoke<TimeCheck>("check_time");

// Events the shell emits (listen with @tauri-apps/api/event):
//   "pending"  payload Pending   a deep link or a second launch brought accounts (only
//                                sent while unlocked; otherwise call takeDeepLink after unlock)
//   "locked"   payload null      the vault locked itself (idle)
//   "deep-link-error" payload string  a link Sesame was opened with cannot be added

/** A Sesame backup picked with the <input type="file"> (bytes, not a path) that
 *  `scanImage` rejected with "password_required". Same result as `openBackup`. */
export const openBackupBytes = (bytes: number[], password: string) =>
  invoke<Pending>("open_backup_bytes", { bytes, password });

// ---- Amazon Cognito (desktop; on phones every command rejects with "cognito") ----

/** A few claims of the ID token, verified by the shell just now. */
export interface CognitoClaims {
  sub: string | null;
  email: string | null;
  username: string | null;
}

/** The configured user pool and who is signed in. Tokens never reach the web view. */
export interface CognitoStatus {
  configured: boolean;
  region: string | null;
  user_pool_id: string | null;
  client_id: string | null;
  has_client_secret: boolean;
  endpoint: string | null;
  signed_in: boolean;
  /** The name the user signed in with. */
  username: string | null;
  /** When the tokens expire, in ms on this computer's clock. */
  id_expires_at_ms: number | null;
  access_expires_at_ms: number | null;
  /** Only from `cognitoWhoami` and `cognitoRefresh`. */
  claims: CognitoClaims | null;
  /** Sesame holds this user's authenticator (TOTP MFA). */
  mfa_enrolled: boolean;
}

export type MfaKind = "totp" | "sms" | "email";

/** What a sign-in needs next: the core's `Prompt` (`sesame::cognito::flow::prompt`),
 *  tagged by `prompt`. The shell decides which comes next; the dialog only renders it. */
export type SignInPrompt =
  | { prompt: "password" }
  /** A new password, with a value for each attribute the pool requires (e.g. "name"). */
  | { prompt: "new_password"; required_attributes: string[] }
  /** A second-factor code; with `answerable_from_vault` Sesame holds the secret and one
   *  click answers. `destination`: where a text-message or email code was sent (masked). */
  | { prompt: "mfa_code"; kind: MfaKind; destination?: string; answerable_from_vault: boolean }
  /** The pool requires MFA: Sesame can become the user's authenticator app. */
  | { prompt: "mfa_setup" }
  | { prompt: "select_mfa"; options: MfaKind[] }
  | { prompt: "done" }
  /** Something Sesame cannot do; the sign-in is over. */
  | { prompt: "unsupported"; why: "mfa_setup_by_text_or_email" };

/** Where a code went. */
export interface CodeSent {
  /** Sign-up only: the pool confirmed the account by itself. */
  confirmed: boolean;
  destination: string | null;
  medium: string | null;
}

export interface CognitoPool {
  region: string;
  userPoolId: string;
  clientId: string;
  clientSecret: string | null;
  endpoint: string | null;
}

export const cognitoStatus = () => invoke<CognitoStatus>("cognito_status");
export const cognitoConfigure = (pool: CognitoPool) => invoke<CognitoStatus>("cognito_configure", { ...pool });
export const cognitoSignUp = (username: string, email: string, password: string) =>
  invoke<CodeSent>("cognito_sign_up", { username, email, password });
export const cognitoConfirm = (username: string, code: string) => invoke<void>("cognito_confirm", { username, code });
export const cognitoResend = (username: string) => invoke<CodeSent>("cognito_resend", { username });
export const cognitoForgotPassword = (username: string) => invoke<CodeSent>("cognito_forgot_password", { username });
export const cognitoConfirmForgotPassword = (username: string, code: string, password: string) =>
  invoke<void>("cognito_confirm_forgot_password", { username, code, password });
export const cognitoSignIn = (username: string, password: string) =>
  invoke<SignInPrompt>("cognito_sign_in", { username, password });
export const cognitoAnswerMfa = (code: string) => invoke<SignInPrompt>("cognito_answer_mfa", { code });
/** Answers the authenticator challenge with the code of the secret Sesame holds. */
export const cognitoAnswerMfaFromVault = () => invoke<SignInPrompt>("cognito_answer_mfa_from_vault");
/** Prompt "new_password": sets the new password, with a value for each of the prompt's
 *  `required_attributes` (`{ name: "Alice Liddell" }`; empty values are left out). A
 *  password the pool's policy refuses keeps the sign-in waiting for another try. */
export const cognitoSetNewPassword = (password: string, attributes: Record<string, string>) =>
  invoke<SignInPrompt>("cognito_set_new_password", { password, attributes });
/** Prompt "mfa_setup": makes Sesame the user's authenticator app (adds
 *  an account to the vault), then goes on with the sign-in. */
export const cognitoSetUpMfa = () => invoke<SignInPrompt>("cognito_set_up_mfa");
export const cognitoWhoami = () => invoke<CognitoStatus>("cognito_whoami");
export const cognitoRefresh = () => invoke<CognitoStatus>("cognito_refresh");
/** Makes Sesame the user's authenticator (adds an account to the vault) and turns MFA on. */
export const cognitoEnableMfa = () => invoke<CognitoStatus>("cognito_enable_mfa");
/** Turns TOTP MFA off and removes the authenticator account from the vault. */
export const cognitoDisableMfa = () => invoke<CognitoStatus>("cognito_disable_mfa");
export const cognitoSignOut = () => invoke<CognitoStatus>("cognito_sign_out");
