// Form checks run before anything is sent to the shell. The shell checks again.
import type { Algorithm, Kind, ManualAccount } from "./api";

/** Base32 as typed: spaces and dashes dropped, upper case, padding removed. */
export function normalizeBase32(secret: string): string {
  return secret.replace(/[\s-]+/g, "").toUpperCase().replace(/=+$/, "");
}

/** null when `secret` is usable Base32, else what is wrong with it. */
export function checkBase32(secret: string): string | null {
  const s = normalizeBase32(secret);
  if (s.length === 0) return "Enter the secret key.";
  const bad = Array.from(new Set(s.replace(/[A-Z2-7]/g, "").split("")));
  if (bad.length > 0) {
    const shown = bad.slice(0, 3).map((c) => `“${c}”`).join(", ");
    return `The secret key can only hold the letters A–Z and the digits 2–7 (found ${shown}).`;
  }
  if ([1, 3, 6].includes(s.length % 8)) {
    return "The secret key looks cut short: check that you copied all of it.";
  }
  return null;
}

export const DIGITS_MIN = 6;
export const DIGITS_MAX = 10;
export const PERIOD_MAX = 86_400;

function isWhole(text: string): boolean {
  return /^\s*\d+\s*$/.test(text);
}

export function checkDigits(text: string): string | null {
  if (!isWhole(text)) return `Digits must be a whole number from ${DIGITS_MIN} to ${DIGITS_MAX}.`;
  const n = Number(text);
  if (n < DIGITS_MIN || n > DIGITS_MAX) return `Digits must be from ${DIGITS_MIN} to ${DIGITS_MAX}.`;
  return null;
}

export function checkPeriod(text: string): string | null {
  if (!isWhole(text) || Number(text) < 1) return "The period must be a whole number of seconds, at least 1.";
  if (Number(text) > PERIOD_MAX) return "The period can be at most one day (86400 seconds).";
  return null;
}

export function checkCounter(text: string): string | null {
  if (!isWhole(text)) return "The counter must be a whole number, 0 or more.";
  if (!Number.isSafeInteger(Number(text))) return "The counter is too large.";
  return null;
}

/** The manual form as typed: strings, because that is what inputs hold. */
export interface ManualForm {
  issuer: string;
  name: string;
  secret: string;
  kind: Kind;
  algorithm: Algorithm;
  digits: string;
  period: string;
  counter: string;
}

export type ManualErrors = Partial<Record<keyof ManualForm, string>>;

export const emptyManualForm = (): ManualForm => ({
  issuer: "",
  name: "",
  secret: "",
  kind: "totp",
  algorithm: "SHA1",
  digits: "6",
  period: "30",
  counter: "0",
});

/** Either the account to send, or the errors to show next to each field. */
export function validateManual(
  form: ManualForm,
): { ok: true; account: ManualAccount } | { ok: false; errors: ManualErrors } {
  const errors: ManualErrors = {};
  if (!form.name.trim()) errors.name = "Enter the account name (often your e-mail or user name).";
  const secretError = checkBase32(form.secret);
  if (secretError) errors.secret = secretError;
  if (form.kind !== "steam") {
    const d = checkDigits(form.digits);
    if (d) errors.digits = d;
  }
  if (form.kind !== "hotp") {
    const p = checkPeriod(form.period);
    if (p) errors.period = p;
  } else {
    const c = checkCounter(form.counter);
    if (c) errors.counter = c;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const steam = form.kind === "steam";
  return {
    ok: true,
    account: {
      issuer: form.issuer.trim() || (steam ? "Steam" : null),
      name: form.name.trim(),
      secret: normalizeBase32(form.secret),
      kind: form.kind,
      algorithm: steam ? "SHA1" : form.algorithm,
      digits: steam ? 5 : Number(form.digits),
      period: form.kind === "hotp" ? 30 : Number(form.period),
      counter: form.kind === "hotp" ? Number(form.counter) : 0,
    },
  };
}

export interface Strength {
  /** 0: empty, 1: too short, 2: weak, 3: fair, 4: strong. */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
}

/**
 * A rough hint of how hard a password is to guess: length counts most, then the
 * kinds of characters, and repeats or well-known words count against it.
 */
export function passwordStrength(password: string): Strength {
  if (password.length === 0) return { score: 0, label: "" };
  const chars = Array.from(password);
  if (chars.length < 8) return { score: 1, label: "Too short: use at least 8 characters" };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  const unique = new Set(chars.map((c) => c.toLowerCase())).size;
  const common = /^(password|passw0rd|qwerty|azerty|123456|letmein|iloveyou|admin|welcome|sesame)/i;
  let points = chars.length >= 16 ? 3 : chars.length >= 12 ? 2 : 1;
  points += classes >= 3 ? 1 : 0;
  if (unique <= 3 || common.test(password)) points = 0;
  if (points <= 1) return { score: 2, label: "Weak: a longer phrase of several words is easier to remember and harder to guess" };
  if (points === 2) return { score: 3, label: "Fair" };
  return { score: 4, label: "Strong" };
}

/** Errors for a new password typed twice (`password` may be empty when allowed). */
export function checkNewPassword(password: string, confirm: string): { password?: string; confirm?: string } {
  if (!password) return { password: "Enter a password." };
  if (password !== confirm) return { confirm: "The passwords do not match." };
  return {};
}
