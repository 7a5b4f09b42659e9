// Turning whatever a command rejected with into an AppError.
import type { AppError } from "./api";

const KINDS = new Set<AppError["kind"]>([
  "no_vault",
  "vault_exists",
  "not_a_vault",
  "damaged",
  "tampered",
  "newer_version",
  "unknown_format",
  "locked",
  "wrong_password",
  "password_required",
  "keystore",
  "keystore_unavailable",
  "keystore_damaged",
  "keystore_insecure",
  "bound_to_another_device",
  "busy",
  "invalid_input",
  "not_found",
  "ambiguous",
  "no_codes",
  "no_qr_code",
  "io",
  "time",
  "cognito",
  "network",
  "signed_out",
  "cognito_setup",
  "internal",
  "sync",
  "confirmation_required",
  "rolled_back",
]);

export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as AppError).kind === "string" &&
    typeof (e as AppError).message === "string" &&
    KINDS.has((e as AppError).kind)
  );
}

/** Every rejection as an AppError; plugin errors and thrown strings become "internal". */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  if (typeof e === "string") return { kind: "internal", message: e };
  if (e instanceof Error) return { kind: "internal", message: e.message };
  return { kind: "internal", message: "Something went wrong." };
}

/** A sentence on what to do next, for the errors where the message alone may not say. */
export function adviceFor(kind: AppError["kind"]): string | null {
  switch (kind) {
    case "keystore":
      return "Sesame keeps this computer's key in the system keyring. Unlock the keyring (logging in to your desktop session usually does), then try again.";
    case "keystore_unavailable":
      return "Sesame keeps this computer's key in the system keyring, and none is running. Start one (GNOME Keyring or KeePassXC, for example), or start Sesame with SESAME_KEYSTORE=file:PATH to keep the key in a private file instead.";
    case "keystore_damaged":
      return "The key that opens your vault on this computer cannot be read back. If the message names duplicate entries, delete all but one in your keyring manager; otherwise restore your accounts from a backup export.";
    case "keystore_insecure":
      return "Other users of this computer can read the file holding your vault's key. Make it private to you; if someone else could have read it, restore your accounts from a backup export onto a new key.";
    case "bound_to_another_device":
      return "This vault was created on another computer and can only be opened there. To move your accounts, export a backup on that computer and import it here.";
    case "not_a_vault":
      return "Sesame found a file where its vault should be, but it is not a vault. Move it away to start a new vault.";
    case "tampered":
      return "If you did not change the vault file yourself, someone else may have. Restore the previous version named above, or move the vault file away, create a new vault and import a backup export.";
    case "rolled_back":
      return "If you put this older copy back yourself (restoring a backup of the vault file), you can open it: accounts added or changed after it was saved are then gone from this computer. Otherwise put the newest vault file back.";
    case "network":
      return "Sesame could not reach Amazon Cognito. Check the internet connection, and the endpoint in the Cognito settings if you set one, then try again.";
    case "cognito_setup":
      return "Check the Cognito settings: the region, user pool id, app client id (and its secret, if it has one) must be those the AWS console shows for the app client.";
    case "busy":
      return "Another Sesame window or the sesame command line is using the vault. Close it and try again.";
    default:
      return null;
  }
}

/** Whether an error means the vault is locked or gone: the app goes back to its start. */
export function isLockedOut(e: AppError): boolean {
  return e.kind === "locked" || e.kind === "no_vault";
}
