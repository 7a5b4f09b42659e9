// Generated from the Rust side by src-tauri/src/bindings.rs (ts-rs for the types, the
// handlers' signatures for the commands). Do not edit: change the Rust types or
// commands, then run `make bindings`. Every command rejects with an `AppError`.

import { invoke } from "@tauri-apps/api/core";

/**
 * What a command reports when it fails (serialized as `{kind, message}`).
 */
export type AppError = { 
/**
 * Stable machine-readable kind (`ErrorKind` in `ui/src/lib/bindings.ts`).
 */
kind: ErrorKind, 
/**
 * One sentence for people; never contains a secret.
 */
message: string, };

/**
 * The kinds of [`AppError`]: what the UI can act on. Every core error variant maps to
 * one in an exhaustive `match` below, so a new variant does not build until it is mapped.
 */
export type ErrorKind = "no_vault" | "vault_exists" | "not_a_vault" | "damaged" | "tampered" | "newer_version" | "unknown_format" | "locked" | "wrong_password" | "password_required" | "keystore" | "keystore_unavailable" | "keystore_damaged" | "keystore_insecure" | "bound_to_another_device" | "busy" | "invalid_input" | "not_found" | "ambiguous" | "no_codes" | "no_qr_code" | "io" | "time" | "cognito" | "network" | "signed_out" | "cognito_setup" | "internal" | "sync" | "confirmation_required" | "rolled_back";

/**
 * Where the vault is: what the UI shows (first run, unlock, or the accounts).
 */
export type VaultState = "no_vault" | "locked" | "unlocked";

/**
 * What an Aegis export wrote.
 */
export type AegisExported = { 
/**
 * How many accounts the file holds.
 */
written: number, 
/**
 * `Issuer: name — why` of each account Aegis cannot hold (MD5 codes, …), left out.
 */
left_out: Array<string>, };

/**
 * What the UI needs to pick a screen.
 */
export type Status = { state: VaultState, 
/**
 * Whether the vault asks for a password (false before a vault exists).
 */
has_password: boolean, 
/**
 * Where the vault lives, for the settings screen.
 */
vault_path: string, 
/**
 * A short description of the keystore holding the device secret.
 */
keystore: string, };

/**
 * Which kind of code an account makes (the core's [`Kind`] without its moving factor).
 */
export type Kind = "totp" | "hotp" | "steam";

/**
 * HMAC hash function.
 */
export type Algorithm = "SHA1" | "SHA256" | "SHA512" | "MD5";

/**
 * An account as the UI sees it: no secret.
 */
export type AccountView = { id: string, issuer: string | null, name: string, kind: Kind, algorithm: Algorithm, digits: number, 
/**
 * TOTP/Steam period in seconds; null for HOTP.
 */
period: number | null, 
/**
 * HOTP counter; null for TOTP.
 */
counter: number | null, icon: string | null, tags: Array<string>, note: string | null, 
/**
 * False for entries (e.g. MD5) that cannot produce codes.
 */
can_compute: boolean, };

/**
 * A code for one account at the shell's (corrected) time.
 */
export type CodeView = { id: string, 
/**
 * Digits (or Steam letters), ungrouped; null when the account cannot compute codes,
 * and for HOTP until the user presses "next code" (then the last code asked for).
 */
code: string | null, next_code: string | null, 
/**
 * ms until `code` expires; null for HOTP.
 */
valid_for_ms: number | null, 
/**
 * Period in ms; null for HOTP.
 */
period_ms: number | null, };

/**
 * What the UI shows after a copy.
 */
export type CopyResult = { 
/**
 * Seconds until the clipboard is cleared; 0: it is not cleared.
 */
clear_after_secs: number, };

/**
 * The fields the edit dialog changes.
 */
export type AccountEdit = { issuer: string | null, name: string, tags: Array<string>, note: string | null, };

/**
 * The secret, its link and a QR code, which the user asked to see.
 */
export type Revealed = { 
/**
 * Canonical Base32.
 */
secret: string, 
/**
 * The `otpauth://` link.
 */
uri: string, 
/**
 * The link as a QR code.
 */
qr_svg: string, };

/**
 * What a warning is about (the core's [`Warning`] without its details).
 */
export type WarningKind = "short_secret" | "issuer_mismatch" | "secret_trimmed" | "cannot_compute_codes";

/**
 * A warning, as a kind and a sentence.
 */
export type Warning = { kind: WarningKind, 
/**
 * Human sentence.
 */
message: string, };

/**
 * One account found in a link, image, screen or file, waiting for the user's yes.
 */
export type PendingAccount = { issuer: string | null, name: string, kind: Kind, algorithm: Algorithm, digits: number, period: number | null, counter: number | null, warnings: Array<Warning>, 
/**
 * Already in the vault (same secret, issuer and name).
 */
duplicate: boolean, 
/**
 * The vault holds an account with the same issuer and name but another secret.
 */
conflict: boolean, };

/**
 * Accounts held by the shell until `confirm_pending` or `discard_pending`.
 */
export type Pending = { pending_id: string, 
/**
 * Where they came from, e.g. "link", "image", "screen", "file", "deep link".
 */
source: string, accounts: Array<PendingAccount>, 
/**
 * The other app whose export this is ("2FAS"), when it is one.
 */
format: string | null, 
/**
 * Entries of the file that will not be added, and why.
 */
skipped: Array<SkippedEntry>, };

/**
 * An entry of an import file that will not be added.
 */
export type SkippedEntry = { 
/**
 * What the file calls it.
 */
label: string, 
/**
 * Why it is left out, as a sentence.
 */
reason: string, };

/**
 * An account typed into the form. `kind` and `algorithm` are checked here, with errors
 * that name the field, so they arrive as text.
 */
export type ManualAccount = { issuer: string | null, name: string, 
/**
 * Base32, spaces/dashes/case ignored.
 */
secret: string, kind: Kind, algorithm: Algorithm, digits: number, period: number, counter: number, };

/**
 * User preferences kept in the vault (shared by the CLI and the app).
 */
export type Settings = { 
/**
 * Lock after this many seconds without use (0: never).
 */
auto_lock_secs: number, 
/**
 * Clear a copied code from the clipboard after this many seconds (0: never).
 */
clipboard_clear_secs: number, 
/**
 * Apply the measured clock offset to codes.
 */
time_correction: boolean, 
/**
 * NTP server for time correction.
 */
ntp_server: string, 
/**
 * Last measured clock offset in milliseconds.
 */
clock_offset_ms: number, 
/**
 * When the offset was measured (Unix ms, this computer's clock); `None`: never.
 */
clock_checked_at_ms: number | null, 
/**
 * `system`, `light` or `dark`.
 */
theme: "system" | "light" | "dark", };

/**
 * A measured clock offset, held by the shell until the user applies it.
 */
export type TimeCheck = { 
/**
 * Add this to the local clock to get the server's time.
 */
offset_ms: number, delay_ms: number, 
/**
 * The server as configured.
 */
server: string, 
/**
 * The address that answered.
 */
address: string, 
/**
 * More than 5 minutes: applying it needs an explicit confirmation.
 */
needs_confirmation: boolean, };

/**
 * A file the user chose: the token commands take, and its name to show.
 */
export type PickedFile = { 
/**
 * Opaque and good for one use (`scan_file`, `open_backup`, the exports).
 */
token: string, 
/**
 * The file's name, without its folder.
 */
file_name: string, };

/**
 * What the open dialog is for.
 */
export type OpenKind = "import";

/**
 * What the save dialog saves.
 */
export type SaveKind = "sesame_backup" | "aegis_vault" | "otpauth_list";

/**
 * The configured user pool and who is signed in. Tokens never reach the web view.
 */
export type CognitoStatus = { configured: boolean, region: string | null, user_pool_id: string | null, client_id: string | null, has_client_secret: boolean, endpoint: string | null, signed_in: boolean, 
/**
 * The name the user signed in with.
 */
username: string | null, 
/**
 * When the tokens expire, in ms on this computer's clock.
 */
id_expires_at_ms: number | null, access_expires_at_ms: number | null, 
/**
 * Verified claims of the ID token (only from `cognito_whoami`, `cognito_refresh`).
 */
claims: CognitoClaims | null, 
/**
 * Sesame holds this user's verified authenticator secret.
 */
mfa_enrolled: boolean, 
/**
 * The hosted page's settings, when the pool's domain is configured.
 */
hosted: HostedView | null, 
/**
 * The session came from the hosted page.
 */
hosted_session: boolean, };

/**
 * A few claims of the ID token, verified by the shell just now.
 */
export type CognitoClaims = { sub: string | null, email: string | null, username: string | null, 
/**
 * The identity provider a federated user signed in through (`identities` claim).
 */
provider: string | null, };

/**
 * The hosted sign-in settings, and the URLs the pool's app client must list.
 */
export type HostedView = { domain: string, scopes: string, redirect_port: number, 
/**
 * The identity providers offered as "Continue with NAME".
 */
providers: Array<string>, 
/**
 * Where this app asks the hosted page to send the browser back (the loopback URL on
 * the desktop, the app's URL scheme on the phones).
 */
callback_url: string, };

/**
 * The hosted sign-in settings from the configuration form; an empty domain is none.
 */
export type HostedSetup = { domain: string, 
/**
 * Space-separated; empty for the default (`openid email profile`).
 */
scopes: string, 
/**
 * Empty for the default (7372).
 */
redirect_port: number | null, 
/**
 * Identity provider names, as the pool lists them.
 */
providers: Array<string>, };

/**
 * A hosted sign-in started: the address to open (shown, for a browser that did not open)
 * and where the browser comes back.
 */
export type HostedStarted = { url: string, redirect_uri: string, 
/**
 * Whether a browser could be started.
 */
opened: boolean, 
/**
 * For a sign-in: the vault's accounts of the pool, whose codes answer the hosted
 * page's MFA step if it asks (empty for a sign-out).
 */
page_codes: Array<PageCode>, };

/**
 * A vault account whose code answers the hosted page's MFA step: its id (for `codes`
 * and `copy_code`) and name, never its secret.
 */
export type PageCode = { id: string, 
/**
 * `Cognito (POOL): user`, as the account list shows it.
 */
label: string, };

/**
 * A sign-out: the tokens are revoked and forgotten. A session that came from the hosted
 * page also has its page's own session ended in the browser: `hosted` is that sign-out,
 * waiting for the browser to come back (`cognito_hosted_sign_out_wait`), its
 * `redirect_uri` the sign-out URL; `hosted_error` says why it could not start.
 */
export type SignedOut = { status: CognitoStatus, hosted: HostedStarted | null, hosted_error: string | null, };

/**
 * Where a code was sent, masked (`a***@e***.com`), if Cognito said.
 */
export type CodeSent = { 
/**
 * The account is confirmed already (sign-up only).
 */
confirmed: boolean, destination: string | null, 
/**
 * `EMAIL` or `SMS`.
 */
medium: string | null, };

/**
 * A second factor. Serialized as `totp`, `sms`, `email`.
 */
export type MfaKind = "totp" | "sms" | "email";

/**
 * Why a sign-in cannot go on in Sesame. Serialized in `snake_case`.
 */
export type UnsupportedReason = "mfa_setup_by_text_or_email";

/**
 * What the sign-in needs from the user next. Serialized with a `prompt` tag
 * (`{"prompt": "mfa_code", "kind": "totp", "answerable_from_vault": true}`); carries no
 * secret, so it may go to a web view.
 */
export type SignInPrompt = { "prompt": "password" } | { "prompt": "new_password", 
/**
 * Attribute names without the `userAttributes.` prefix (e.g. `name`).
 */
required_attributes: Array<string>, } | { "prompt": "mfa_code", 
/**
 * Which factor.
 */
kind: MfaKind, 
/**
 * Where a text-message or email code was sent (masked), if Cognito said.
 */
destination?: string | null, 
/**
 * Whether the vault can answer.
 */
answerable_from_vault: boolean, } | { "prompt": "mfa_setup" } | { "prompt": "select_mfa", 
/**
 * The factors offered.
 */
options: Array<MfaKind>, } | { "prompt": "done" } | { "prompt": "unsupported", 
/**
 * Why.
 */
why: UnsupportedReason, };

/**
 * Sync's state on this device.
 */
export type SyncStatus = { 
/**
 * Sync is on in this vault.
 */
enabled: boolean, 
/**
 * A Cognito session is stored (sync needs one).
 */
signed_in: boolean, 
/**
 * The server (when on).
 */
server: string | null, 
/**
 * This device's id and name on the server (when on).
 */
device_id: string | null, device_name: string | null, 
/**
 * When the last round finished (Unix ms), if one has.
 */
last_sync_ms: number | null, 
/**
 * Changes made here that wait to be sent.
 */
waiting: number, 
/**
 * Accounts synced.
 */
items: number, 
/**
 * A round is running now.
 */
running: boolean, 
/**
 * The last round's error (null once a round worked).
 */
last_error: AppError | null, };

/**
 * The server answered before the passphrase is asked: whether this is the first device.
 */
export type SyncJoin = { 
/**
 * The server, normalised.
 */
server: string, 
/**
 * Who is signed in to Cognito.
 */
login: string, 
/**
 * No sync key on the server yet: the passphrase is new (typed twice), and a recovery
 * key will be shown once.
 */
first: boolean, };

/**
 * Sync turned on.
 */
export type SyncEnabled = { 
/**
 * The recovery key (first device only): shown once, never stored by the app.
 */
recovery_key: string | null, status: SyncStatus, };

/**
 * What a round did.
 */
export type SyncReport = { pushed: number, pulled: number, conflicts: number, };

/**
 * One device of the user.
 */
export type SyncDevice = { id: string, name: string | null, 
/**
 * Unix ms.
 */
first_seen: number, last_seen: number, revoked: boolean, 
/**
 * This device.
 */
this: boolean, };

// ---- commands ----

/** Which screen to show: first run, unlock, or the accounts. */
export const status = () =>
  invoke<Status>("status");

/** Creates the vault (binding it to a new device secret) and leaves it unlocked. */
export const createVault = (password: string | null) =>
  invoke<null>("create_vault", { password });

/**
 * Unlocks the vault with the device secret and, if it has one, the password. A file older
 * than the newest saved here is refused with `rolled_back` (see `unlock_older_copy`).
 */
export const unlock = (password: string | null) =>
  invoke<null>("unlock", { password });

/**
 * Opens a vault file older than the newest one this device saved (`unlock` answered
 * `rolled_back`), after the user confirmed it is a copy they put back themselves. The
 * password is still needed when the vault has one; the older copy then counts as the
 * newest, and changes saved after it are gone from this device.
 */
export const unlockOlderCopy = (password: string | null) =>
  invoke<null>("unlock_older_copy", { password });

/** Locks now: the keys and every decrypted account leave memory. */
export const lock = () =>
  invoke<null>("lock");

/**
 * Adds (old `None`), changes, or removes (new `None`) the password. The old password
 * is checked by unlocking with it first.
 */
export const changePassword = (oldPassword: string | null, newPassword: string | null) =>
  invoke<null>("change_password", { oldPassword, newPassword });

/** Resets the auto-lock timer. */
export const touch = () =>
  invoke<null>("touch");

/** Every account, in the user's order, without secrets. */
export const listAccounts = () =>
  invoke<AccountView[]>("list_accounts");

/** Current and next codes for every account at the (corrected) time. */
export const codes = () =>
  invoke<CodeView[]>("codes");

/** HOTP: uses the next counter value (saved before the code is shown). */
export const nextHotp = (id: string) =>
  invoke<CodeView>("next_hotp", { id });

/**
 * Copies the account's current code to the clipboard and clears it after the
 * configured time if it still holds that code.
 */
export const copyCode = (id: string) =>
  invoke<CopyResult>("copy_code", { id });

/** Renames or re-tags an account. */
export const editAccount = (id: string, edit: AccountEdit) =>
  invoke<AccountView>("edit_account", { id, edit });

/** Moves an account to `position` (0-based) in the list. */
export const moveAccount = (id: string, position: number) =>
  invoke<null>("move_account", { id, position });

/** Deletes an account (the UI has asked for confirmation). */
export const deleteAccount = (id: string) =>
  invoke<null>("delete_account", { id });

/**
 * Shows an account's secret: the one command that sends one to the web view. A vault
 * with a password asks for it again.
 */
export const revealSecret = (id: string, password: string | null) =>
  invoke<Revealed>("reveal_secret", { id, password });

/** An `otpauth://` or `otpauth-migration://` link, pasted or typed. */
export const parseLink = (text: string) =>
  invoke<Pending>("parse_link", { text });

/**
 * Bytes of a dropped, pasted or picked file: an image, a list of links, or a backup
 * (which rejects with `password_required`; then call `open_backup_bytes`).
 */
export const scanImage = (bytes: number[]) =>
  invoke<Pending>("scan_image", { bytes });

/**
 * A file the user chose (`pick_open_file`) or dropped (`files-dropped`), by its token: an
 * image, a list of links, or an encrypted file (which rejects with `password_required`
 * and keeps the token good for `open_backup`).
 */
export const scanFile = (fileToken: string) =>
  invoke<Pending>("scan_file", { fileToken });

/** Every QR code on every screen (Sesame's own window is hidden meanwhile). */
export const scanScreen = () =>
  invoke<Pending>("scan_screen");

/**
 * An encrypted file (a Sesame backup or another app's export), by the token of the
 * user's choice, and its password. A wrong password keeps the token good for a retry.
 */
export const openBackup = (fileToken: string, password: string) =>
  invoke<Pending>("open_backup", { fileToken, password });

/** An encrypted file's bytes (picked in the web view) and its password. */
export const openBackupBytes = (bytes: number[], password: string) =>
  invoke<Pending>("open_backup_bytes", { bytes, password });

/** An account typed into the form (added at once: the user typed it). */
export const addManual = (account: ManualAccount) =>
  invoke<AccountView>("add_manual", { account });

/** Adds the chosen accounts of a pending import; duplicates are skipped. */
export const confirmPending = (pendingId: string, indices: number[]) =>
  invoke<AccountView[]>("confirm_pending", { pendingId, indices });

/** Forgets a pending import. */
export const discardPending = (pendingId: string) =>
  invoke<null>("discard_pending", { pendingId });

/**
 * The oldest deep link not yet shown, if any. While locked it stays queued: the UI asks
 * again after unlocking.
 */
export const takeDeepLink = () =>
  invoke<Pending | null>("take_deep_link");

/** The native open dialog. `null` when the user cancels. */
export const pickOpenFile = (kind: OpenKind) =>
  invoke<PickedFile | null>("pick_open_file", { kind });

/**
 * The native save dialog, offering `suggested_name` (a file name, no folder). `null` when
 * the user cancels. Choosing an existing file makes the dialog ask "Replace it?" first:
 * that answer is what lets the export replace it.
 */
export const pickSaveFile = (kind: SaveKind, suggestedName: string) =>
  invoke<PickedFile | null>("pick_save_file", { kind, suggestedName });

/** An encrypted backup protected by `password`; returns how many accounts it holds. */
export const exportBackup = (fileToken: string, password: string, vaultPassword: string | null) =>
  invoke<number>("export_backup", { fileToken, password, vaultPassword });

/**
 * An Aegis vault that Aegis imports: encrypted with `password` (at least 8 characters),
 * or plain when `password` is `None` (after the UI's plaintext warning).
 */
export const exportAegis = (fileToken: string, password: string | null, vaultPassword: string | null) =>
  invoke<AegisExported>("export_aegis", { fileToken, password, vaultPassword });

/** Every account as an `otpauth://` link, one per line, in plain text. */
export const exportOtpauth = (fileToken: string, vaultPassword: string | null) =>
  invoke<number>("export_otpauth", { fileToken, vaultPassword });

/** Google Authenticator transfer QR codes (SVG), to scan with a phone. */
export const exportMigrationQr = (vaultPassword: string | null) =>
  invoke<string[]>("export_migration_qr", { vaultPassword });

/** The vault's settings. */
export const getSettings = () =>
  invoke<Settings>("get_settings");

/**
 * Saves settings; the measured offset and its time are kept from the vault, not taken
 * from the UI.
 */
export const setSettings = (settings: Settings) =>
  invoke<Settings>("set_settings", { settings });

/**
 * Asks the configured NTP server how far off this clock is. Nothing is applied: the UI
 * shows the server and the offset, and `apply_time_check` applies it if the user agrees.
 */
export const checkTime = () =>
  invoke<TimeCheck>("check_time");

/**
 * Applies the offset `check_time` measured last (once). One beyond 5 minutes is refused
 * unless `confirm_large`: the user said yes to that server moving the clock that far.
 */
export const applyTimeCheck = (confirmLarge: boolean) =>
  invoke<Settings>("apply_time_check", { confirmLarge });

/** The pool and session, as stored. */
export const cognitoStatus = () =>
  invoke<CognitoStatus>("cognito_status");

/**
 * Stores the pool and app client (a session with another pool is forgotten). An empty
 * secret keeps the stored secret of the same app client.
 */
export const cognitoConfigure = (region: string, userPoolId: string, clientId: string, clientSecret: string | null, endpoint: string | null, hosted: HostedSetup | null) =>
  invoke<CognitoStatus>("cognito_configure", { region, userPoolId, clientId, clientSecret, endpoint, hosted });

/** Creates a user; a confirmation code is sent unless the pool confirms by itself. */
export const cognitoSignUp = (username: string, email: string, password: string) =>
  invoke<CodeSent>("cognito_sign_up", { username, email, password });

/** Confirms a sign-up with the code that was sent. */
export const cognitoConfirm = (username: string, code: string) =>
  invoke<null>("cognito_confirm", { username, code });

/** Sends the sign-up confirmation code again. */
export const cognitoResend = (username: string) =>
  invoke<CodeSent>("cognito_resend", { username });

/** Starts a password reset: a code is sent. */
export const cognitoForgotPassword = (username: string) =>
  invoke<CodeSent>("cognito_forgot_password", { username });

/** Sets a new password with the reset code. */
export const cognitoConfirmForgotPassword = (username: string, code: string, password: string) =>
  invoke<null>("cognito_confirm_forgot_password", { username, code, password });

/** Starts a sign-in (SRP); the answer says what is needed next. */
export const cognitoSignIn = (username: string, password: string) =>
  invoke<SignInPrompt>("cognito_sign_in", { username, password });

/** Answers the sign-in's MFA challenge with a code the user typed. */
export const cognitoAnswerMfa = (code: string) =>
  invoke<SignInPrompt>("cognito_answer_mfa", { code });

/** Answers the sign-in's TOTP challenge with the code of the secret Sesame holds. */
export const cognitoAnswerMfaFromVault = () =>
  invoke<SignInPrompt>("cognito_answer_mfa_from_vault");

/**
 * Sets the new password the waiting sign-in asks for (prompt `new_password`).
 * `attributes` maps each of the prompt's `required_attributes` to its value (e.g.
 * `{"name": "Alice Liddell"}`); empty values are left out. A password the pool's policy
 * refuses keeps the sign-in waiting, so another one can be tried.
 */
export const cognitoSetNewPassword = (password: string, attributes: Record<string, string> | null) =>
  invoke<SignInPrompt>("cognito_set_new_password", { password, attributes });

/**
 * Answers the waiting sign-in's `mfa_setup` prompt by making Sesame the user's
 * authenticator app (a new account in the vault), then goes on with the sign-in.
 */
export const cognitoSetUpMfa = () =>
  invoke<SignInPrompt>("cognito_set_up_mfa");

/** The session (refreshed when close to expiry) with its ID token verified now. */
export const cognitoWhoami = () =>
  invoke<CognitoStatus>("cognito_whoami");

/** New tokens with the refresh token, now. */
export const cognitoRefresh = () =>
  invoke<CognitoStatus>("cognito_refresh");

/**
 * Makes Sesame the signed-in user's authenticator and turns TOTP MFA on. A preference
 * Cognito did not take is an error (the authenticator is set up all the same: trying
 * again finishes it).
 */
export const cognitoEnableMfa = () =>
  invoke<CognitoStatus>("cognito_enable_mfa");

/** Turns TOTP MFA off and removes the authenticator account from the vault. */
export const cognitoDisableMfa = () =>
  invoke<CognitoStatus>("cognito_disable_mfa");

/**
 * Signs out everywhere, revokes the refresh token and forgets the tokens. A session that
 * came from the hosted page also ends the page's own session: the browser is opened on
 * its `/logout`, whose return (to the loopback listener on the desktop, to
 * `sesame://signed-out` on the phones) [`cognito_hosted_sign_out_wait`] awaits (a hosted
 * sign-in or sign-out waiting before is cancelled).
 */
export const cognitoSignOut = () =>
  invoke<SignedOut>("cognito_sign_out");

/**
 * Starts a sign-in through the hosted page (straight to `identity_provider` if given,
 * else the configured one): the authorize URL is opened in the system browser and
 * returned, for the user to open by hand if no browser came up. The answer is awaited by
 * [`cognito_hosted_wait`]. A sign-in already in progress is cancelled.
 */
export const cognitoHostedStart = (identityProvider: string | null) =>
  invoke<HostedStarted>("cognito_hosted_start", { identityProvider });

/**
 * Waits for the browser to come back from the hosted page and keeps the verified
 * session: the signed-in status. A wrong `state`, an `error=` answer, a refused code or
 * the time running out is an error that stores nothing; so is a cancel or a lock.
 */
export const cognitoHostedWait = () =>
  invoke<CognitoStatus>("cognito_hosted_wait");

/**
 * Cancels the hosted sign-in (or sign-out) in progress: the listener stops and nothing
 * is stored.
 */
export const cognitoHostedCancel = () =>
  invoke<null>("cognito_hosted_cancel");

/**
 * Copies the address of the hosted sign-in (or sign-out) in progress, for a browser that
 * did not open.
 */
export const cognitoHostedCopyLink = () =>
  invoke<null>("cognito_hosted_copy_link");

/**
 * Waits for the browser to come back from the hosted page's `/logout` (started by
 * [`cognito_sign_out`]). The tokens are revoked and forgotten whatever happens here: a
 * cancel, a lock or the time running out is an error saying the browser's session with
 * the hosted page may remain.
 */
export const cognitoHostedSignOutWait = () =>
  invoke<null>("cognito_hosted_sign_out_wait");

/** Whether sync is on, with which server, the last sync, what waits, the last error. */
export const syncStatus = () =>
  invoke<SyncStatus>("sync_status");

/**
 * Reaches the server as the signed-in user: says whether this is the first device
 * (a new passphrase, typed twice) or one that joins (the passphrase set on the first).
 */
export const syncProbe = (server: string, deviceName: string | null) =>
  invoke<SyncJoin>("sync_probe", { server, deviceName });

/**
 * Turns sync on: the first device creates the key under `passphrase` (and gets the
 * recovery key, once); the others unwrap the server's key with it (a wrong one is
 * `wrong_password`). A first round starts in the background.
 */
export const syncEnable = (server: string, passphrase: string, deviceName: string | null) =>
  invoke<SyncEnabled>("sync_enable", { server, passphrase, deviceName });

/** Syncs now: sends the changes made here, fetches the others' and merges them. */
export const syncNow = () =>
  invoke<SyncReport>("sync_now");

/** The user's devices, this one marked. */
export const syncDevices = () =>
  invoke<SyncDevice[]>("sync_devices");

/** Removes another device from sync: its requests are refused from now on. */
export const syncRevoke = (device: string) =>
  invoke<SyncDevice[]>("sync_revoke", { device });

/** Turns sync off on this device; the accounts stay here (and on the other devices). */
export const syncDisable = () =>
  invoke<SyncStatus>("sync_disable");

/**
 * Deletes everything the sync server holds for this user (the sync key, every synced
 * account, the device list), then turns sync off here; the accounts stay on this and the
 * other devices, whose next round says the server holds nothing any more. The core's
 * `delete_remote`, as `sesame sync disable --delete-remote`: if the server cannot be
 * reached or refuses, nothing is deleted and sync stays on.
 */
export const syncDeleteRemote = () =>
  invoke<SyncStatus>("sync_delete_remote");

/**
 * Changes the sync passphrase: `current` must open the key on the server (a wrong one is
 * `wrong_password`); the other devices keep syncing, a device that joins types
 * `new_passphrase`.
 */
export const syncChangePassphrase = (current: string, newPassphrase: string) =>
  invoke<null>("sync_change_passphrase", { current, newPassphrase });

/**
 * Sets a new sync passphrase with the recovery key (the passphrase was forgotten). With
 * sync on, on its server; with sync off, on `server`, and sync turns on (a first round
 * starts in the background). The recovery key keeps working.
 */
export const syncRecover = (recoveryKey: string, passphrase: string, server: string | null, deviceName: string | null) =>
  invoke<SyncStatus>("sync_recover", { recoveryKey, passphrase, server, deviceName });

/** Every command by name: what `invoke` sends (`args`) and what it resolves to. */
export interface Commands {
  status: { args: Record<string, never>; result: Status };
  create_vault: { args: { password: string | null }; result: null };
  unlock: { args: { password: string | null }; result: null };
  unlock_older_copy: { args: { password: string | null }; result: null };
  lock: { args: Record<string, never>; result: null };
  change_password: { args: { oldPassword: string | null; newPassword: string | null }; result: null };
  touch: { args: Record<string, never>; result: null };
  list_accounts: { args: Record<string, never>; result: AccountView[] };
  codes: { args: Record<string, never>; result: CodeView[] };
  next_hotp: { args: { id: string }; result: CodeView };
  copy_code: { args: { id: string }; result: CopyResult };
  edit_account: { args: { id: string; edit: AccountEdit }; result: AccountView };
  move_account: { args: { id: string; position: number }; result: null };
  delete_account: { args: { id: string }; result: null };
  reveal_secret: { args: { id: string; password: string | null }; result: Revealed };
  parse_link: { args: { text: string }; result: Pending };
  scan_image: { args: { bytes: number[] }; result: Pending };
  scan_file: { args: { fileToken: string }; result: Pending };
  scan_screen: { args: Record<string, never>; result: Pending };
  open_backup: { args: { fileToken: string; password: string }; result: Pending };
  open_backup_bytes: { args: { bytes: number[]; password: string }; result: Pending };
  add_manual: { args: { account: ManualAccount }; result: AccountView };
  confirm_pending: { args: { pendingId: string; indices: number[] }; result: AccountView[] };
  discard_pending: { args: { pendingId: string }; result: null };
  take_deep_link: { args: Record<string, never>; result: Pending | null };
  pick_open_file: { args: { kind: OpenKind }; result: PickedFile | null };
  pick_save_file: { args: { kind: SaveKind; suggestedName: string }; result: PickedFile | null };
  export_backup: { args: { fileToken: string; password: string; vaultPassword: string | null }; result: number };
  export_aegis: { args: { fileToken: string; password: string | null; vaultPassword: string | null }; result: AegisExported };
  export_otpauth: { args: { fileToken: string; vaultPassword: string | null }; result: number };
  export_migration_qr: { args: { vaultPassword: string | null }; result: string[] };
  get_settings: { args: Record<string, never>; result: Settings };
  set_settings: { args: { settings: Settings }; result: Settings };
  check_time: { args: Record<string, never>; result: TimeCheck };
  apply_time_check: { args: { confirmLarge: boolean }; result: Settings };
  cognito_status: { args: Record<string, never>; result: CognitoStatus };
  cognito_configure: { args: { region: string; userPoolId: string; clientId: string; clientSecret: string | null; endpoint: string | null; hosted: HostedSetup | null }; result: CognitoStatus };
  cognito_sign_up: { args: { username: string; email: string; password: string }; result: CodeSent };
  cognito_confirm: { args: { username: string; code: string }; result: null };
  cognito_resend: { args: { username: string }; result: CodeSent };
  cognito_forgot_password: { args: { username: string }; result: CodeSent };
  cognito_confirm_forgot_password: { args: { username: string; code: string; password: string }; result: null };
  cognito_sign_in: { args: { username: string; password: string }; result: SignInPrompt };
  cognito_answer_mfa: { args: { code: string }; result: SignInPrompt };
  cognito_answer_mfa_from_vault: { args: Record<string, never>; result: SignInPrompt };
  cognito_set_new_password: { args: { password: string; attributes: Record<string, string> | null }; result: SignInPrompt };
  cognito_set_up_mfa: { args: Record<string, never>; result: SignInPrompt };
  cognito_whoami: { args: Record<string, never>; result: CognitoStatus };
  cognito_refresh: { args: Record<string, never>; result: CognitoStatus };
  cognito_enable_mfa: { args: Record<string, never>; result: CognitoStatus };
  cognito_disable_mfa: { args: Record<string, never>; result: CognitoStatus };
  cognito_sign_out: { args: Record<string, never>; result: SignedOut };
  cognito_hosted_start: { args: { identityProvider: string | null }; result: HostedStarted };
  cognito_hosted_wait: { args: Record<string, never>; result: CognitoStatus };
  cognito_hosted_cancel: { args: Record<string, never>; result: null };
  cognito_hosted_copy_link: { args: Record<string, never>; result: null };
  cognito_hosted_sign_out_wait: { args: Record<string, never>; result: null };
  sync_status: { args: Record<string, never>; result: SyncStatus };
  sync_probe: { args: { server: string; deviceName: string | null }; result: SyncJoin };
  sync_enable: { args: { server: string; passphrase: string; deviceName: string | null }; result: SyncEnabled };
  sync_now: { args: Record<string, never>; result: SyncReport };
  sync_devices: { args: Record<string, never>; result: SyncDevice[] };
  sync_revoke: { args: { device: string }; result: SyncDevice[] };
  sync_disable: { args: Record<string, never>; result: SyncStatus };
  sync_delete_remote: { args: Record<string, never>; result: SyncStatus };
  sync_change_passphrase: { args: { current: string; newPassphrase: string }; result: null };
  sync_recover: { args: { recoveryKey: string; passphrase: string; server: string | null; deviceName: string | null }; result: SyncStatus };
}

/** The name of a command. */
export type CommandName = keyof Commands;
