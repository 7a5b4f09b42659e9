// Countdown math for TOTP codes. The shell tells how long the code it computed stays
// valid; between two polls the UI counts down locally from the time it received it.

/** Milliseconds left at `now`, given `validForMs` measured at `receivedAt` (same clock). */
export function remainingMs(validForMs: number, receivedAt: number, now: number): number {
  return Math.max(0, validForMs - Math.max(0, now - receivedAt));
}

/** Whole seconds shown in the ring: 29.2 s left shows "30", 0.4 s shows "1", 0 shows "0". */
export function secondsLeft(remaining: number): number {
  return Math.max(0, Math.ceil(remaining / 1000));
}

/** Share of the period left, 0–1, for the ring. */
export function fractionLeft(remaining: number, periodMs: number): number {
  if (!(periodMs > 0)) return 0;
  return Math.min(1, Math.max(0, remaining / periodMs));
}

/**
 * How many seconds before the end the next code is shown: a quarter of the period,
 * at least 5 s and at most 10 s (30 s period → 8 s, 60 s → 10 s, 15 s → 5 s).
 */
export function nextCodeLead(periodMs: number): number {
  const quarter = Math.round(periodMs / 4000);
  return Math.min(10, Math.max(5, quarter));
}

/** Whether the next code should be shown now. */
export function showNextCode(remaining: number, periodMs: number): boolean {
  return remaining > 0 && secondsLeft(remaining) <= nextCodeLead(periodMs);
}

/** Whether the ring should warn (the code is about to change). */
export function isUrgent(remaining: number): boolean {
  return secondsLeft(remaining) <= 5;
}

/** SVG stroke-dashoffset for a ring of circumference `c` that is `fraction` full. */
export function ringOffset(fraction: number, c: number): number {
  return c * (1 - Math.min(1, Math.max(0, fraction)));
}

/**
 * When to poll next: at the next whole second, or just after the soonest code
 * expires if that comes first (never sooner than 50 ms, never later than 1 s).
 */
export function nextPollDelay(validForMs: Array<number | null>, nowMs: number): number {
  let delay = 1000 - (nowMs % 1000) + 20;
  for (const v of validForMs) {
    if (v !== null && v >= 0) delay = Math.min(delay, v + 30);
  }
  return Math.min(1000, Math.max(50, delay));
}
