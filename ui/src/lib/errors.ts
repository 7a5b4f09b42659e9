// Turning whatever a command rejected with into an AppError.
import type { AppError } from "./api";

const KINDS = new Set<AppError["kind"]>([
  "no_vault",
  "locked",
  "wrong_password",
  "password_required",
  "keystore",
  "bound_to_another_device",
  "busy",
  "invalid_input",
  "not_found",
  "no_qr_code",
  "io",
  "time",
  "cognito",
  "internal",
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
    case "bound_to_another_device":
      return "This vault was created on another computer and can only be opened there. To move your accounts, export a backup on that computer and import it here.";
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
