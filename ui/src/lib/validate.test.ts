import { describe, expect, it } from "vitest";
import {
  checkBase32,
  checkCounter,
  checkDigits,
  checkNewPassword,
  checkPeriod,
  emptyManualForm,
  normalizeBase32,
  passwordStrength,
  validateManual,
} from "./validate";

describe("Base32", () => {
  it("drops spaces, dashes, padding and case", () => {
    expect(normalizeBase32("jbsw y3dp-ehpk 3pxp==")).toBe("JBSWY3DPEHPK3PXP");
  });
  it("accepts the key sites show", () => {
    expect(checkBase32("JBSWY3DPEHPK3PXP")).toBeNull();
    expect(checkBase32("jbsw y3dp ehpk 3pxp")).toBeNull();
    expect(checkBase32("GEZDGNBVGY3TQOJQ")).toBeNull();
    expect(checkBase32("MFRGG===")).toBeNull();
  });
  it("rejects letters Base32 does not have, and names them", () => {
    const e = checkBase32("JBSWY3DPEHPK3PX1");
    expect(e).toMatch(/A–Z/);
    expect(e).toContain("“1”");
    expect(checkBase32("JBSWY3DPEHPK3PX0")).toContain("“0”");
    expect(checkBase32("JBSWY3DP8HPK3PXP")).toContain("“8”");
  });
  it("rejects an empty key and a cut-off one", () => {
    expect(checkBase32("  -  ")).toMatch(/Enter the secret/);
    expect(checkBase32("JBSWY3DPE")).toMatch(/cut short/); // 9 characters: no Base32 length
  });
});

describe("digits, period, counter", () => {
  it("accepts 6 to 10 digits", () => {
    for (const d of ["6", "7", "8", "10", " 8 "]) expect(checkDigits(d), d).toBeNull();
    for (const d of ["5", "11", "0", "", "6.5", "six", "-6"]) expect(checkDigits(d), d).not.toBeNull();
  });
  it("accepts a positive period up to a day", () => {
    for (const p of ["30", "60", "1", "86400"]) expect(checkPeriod(p), p).toBeNull();
    for (const p of ["0", "-30", "", "30s", "86401", "1.5"]) expect(checkPeriod(p), p).not.toBeNull();
  });
  it("accepts a counter of 0 or more", () => {
    expect(checkCounter("0")).toBeNull();
    expect(checkCounter("42")).toBeNull();
    expect(checkCounter("-1")).not.toBeNull();
    expect(checkCounter("99999999999999999999")).toMatch(/too large/);
  });
});

describe("validateManual", () => {
  const form = (patch: Partial<ReturnType<typeof emptyManualForm>>) => ({ ...emptyManualForm(), ...patch });

  it("turns a good form into the account to send", () => {
    const r = validateManual(form({ issuer: " GitHub ", name: " alice ", secret: "jbsw y3dp ehpk 3pxp" }));
    expect(r).toEqual({
      ok: true,
      account: { issuer: "GitHub", name: "alice", secret: "JBSWY3DPEHPK3PXP", kind: "totp", algorithm: "SHA1", digits: 6, period: 30, counter: 0 },
    });
  });
  it("sends no issuer when the field is empty", () => {
    const r = validateManual(form({ name: "alice", secret: "JBSWY3DPEHPK3PXP" }));
    expect(r.ok && r.account.issuer).toBeNull();
  });
  it("reports every bad field at once", () => {
    const r = validateManual(form({ name: " ", secret: "not base32!", digits: "4", period: "0" }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(["digits", "name", "period", "secret"]);
  });
  it("checks the counter, not the period, for HOTP", () => {
    const r = validateManual(form({ name: "a", secret: "JBSWY3DPEHPK3PXP", kind: "hotp", period: "x", counter: "-1" }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(["counter"]);
    const ok = validateManual(form({ name: "a", secret: "JBSWY3DPEHPK3PXP", kind: "hotp", counter: "7" }));
    expect(ok.ok && ok.account.counter).toBe(7);
  });
  it("fixes Steam to 5 characters and SHA-1", () => {
    const r = validateManual(form({ name: "a", secret: "JBSWY3DPEHPK3PXP", kind: "steam", digits: "99", algorithm: "SHA512" }));
    expect(r.ok).toBe(true);
    if (r.ok) expect([r.account.digits, r.account.algorithm, r.account.issuer]).toEqual([5, "SHA1", "Steam"]);
  });
});

describe("passwords", () => {
  it("rates length first", () => {
    expect(passwordStrength("").score).toBe(0);
    expect(passwordStrength("abc123").score).toBe(1);
    expect(passwordStrength("abcdefgh").score).toBe(2);
    expect(passwordStrength("abcdefghijkl").score).toBe(3);
    expect(passwordStrength("correct horse battery staple").score).toBe(4);
    expect(passwordStrength("Tr0ub4dor&3xyz").score).toBe(4);
  });
  it("rates common and repetitive passwords weak", () => {
    expect(passwordStrength("password1234567890").score).toBe(2);
    expect(passwordStrength("aaaaaaaaaaaaaaaaaaaa").score).toBe(2);
  });
  it("needs the same password twice", () => {
    expect(checkNewPassword("", "")).toEqual({ password: "Enter a password." });
    expect(checkNewPassword("one", "two")).toEqual({ confirm: "The passwords do not match." });
    expect(checkNewPassword("same", "same")).toEqual({});
  });
});
