import { afterEach, describe, expect, it, vi } from "vitest";
import { adviceFor, isAppError, toAppError } from "./errors";
import { throttle } from "./throttle";
import { startPolling } from "./poller";
import { applyTheme, rememberedTheme } from "./theme";
import type { CodeView } from "./api";

describe("toAppError", () => {
  it("passes AppErrors through", () => {
    const e = { kind: "wrong_password", message: "Wrong password." };
    expect(isAppError(e)).toBe(true);
    expect(toAppError(e)).toBe(e);
  });
  it("wraps strings, Errors and anything else as internal", () => {
    expect(toAppError("plugin failed")).toEqual({ kind: "internal", message: "plugin failed" });
    expect(toAppError(new Error("boom"))).toEqual({ kind: "internal", message: "boom" });
    expect(toAppError(42).kind).toBe("internal");
    expect(isAppError({ kind: "made_up", message: "x" })).toBe(false);
  });
  it("advises on keystore and device errors", () => {
    expect(adviceFor("keystore")).toMatch(/keyring/);
    expect(adviceFor("bound_to_another_device")).toMatch(/another computer/);
    expect(adviceFor("wrong_password")).toBeNull();
  });
  it("advises on each kind of keystore and vault-file trouble", () => {
    expect(adviceFor("keystore_unavailable")).toMatch(/SESAME_KEYSTORE=file:PATH/);
    expect(adviceFor("keystore_damaged")).toMatch(/keyring manager/);
    expect(adviceFor("keystore_insecure")).toMatch(/private/);
    expect(adviceFor("tampered")).toMatch(/backup export/);
    expect(adviceFor("not_a_vault")).toMatch(/not a vault/);
    expect(adviceFor("network")).toMatch(/internet connection/);
    expect(adviceFor("cognito_setup")).toMatch(/app client id/);
    expect(adviceFor("signed_out")).toBeNull();
    // The app's advice names no command-line option.
    for (const kind of ["keystore_unavailable", "keystore_damaged", "keystore_insecure", "tampered", "not_a_vault", "network", "cognito_setup"] as const) {
      expect(adviceFor(kind)).not.toMatch(/--|`sesame /);
    }
  });
  it("accepts the kinds the shell added for vault files and keystores", () => {
    for (const kind of ["tampered", "damaged", "not_a_vault", "ambiguous", "unknown_format", "keystore_unavailable", "no_codes"]) {
      expect(isAppError({ kind, message: "x" })).toBe(true);
    }
  });
});

describe("throttle", () => {
  it("runs at most once per interval", () => {
    let t = 0;
    const fn = vi.fn();
    const th = throttle(fn, 10_000, () => t);
    th();
    th();
    t = 9_999;
    th();
    expect(fn).toHaveBeenCalledTimes(1);
    t = 10_000;
    th();
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe("theme", () => {
  it("sets data-theme on <html> and remembers it", () => {
    applyTheme("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(rememberedTheme()).toBe("dark");
    localStorage.setItem("sesame.theme", "purple");
    expect(rememberedTheme()).toBe("system");
  });
});

describe("startPolling", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const code = (valid: number | null): CodeView => ({ id: "a", code: "123456", next_code: null, valid_for_ms: valid, period_ms: 30_000 });

  it("polls at once, then about every second, until stopped", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(100_000);
    const fetch = vi.fn(async () => [code(20_000)]);
    const got = vi.fn();
    const p = startPolling(fetch, got, () => {}, { hidden: () => false });
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(got).toHaveBeenCalledWith([code(20_000)], 100_000);
    await vi.advanceTimersByTimeAsync(1_020);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(fetch).toHaveBeenCalledTimes(5);
    p.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fetch).toHaveBeenCalledTimes(5);
  });

  it("polls right after a code expires", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(100_000);
    const fetch = vi.fn(async () => [code(200)]);
    const p = startPolling(fetch, () => {}, () => {}, { hidden: () => false });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(230);
    expect(fetch).toHaveBeenCalledTimes(2);
    p.stop();
  });

  it("does not ask the shell while the window is hidden", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(100_000);
    let hidden = true;
    const fetch = vi.fn(async () => [code(20_000)]);
    const p = startPolling(fetch, () => {}, () => {}, { hidden: () => hidden });
    await vi.advanceTimersByTimeAsync(3_500);
    expect(fetch).not.toHaveBeenCalled();
    hidden = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    p.stop();
  });

  it("reports errors and keeps going", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(100_000);
    const fetch = vi.fn().mockRejectedValueOnce({ kind: "io", message: "x" }).mockResolvedValue([code(20_000)]);
    const onError = vi.fn();
    const p = startPolling(fetch, () => {}, onError, { hidden: () => false });
    await vi.advanceTimersByTimeAsync(0);
    expect(onError).toHaveBeenCalledWith({ kind: "io", message: "x" });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(2);
    p.stop();
  });
});
