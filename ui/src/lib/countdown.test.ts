import { describe, expect, it } from "vitest";
import { fractionLeft, isUrgent, nextCodeLead, nextPollDelay, remainingMs, ringOffset, secondsLeft, showNextCode } from "./countdown";

describe("remainingMs", () => {
  it("counts down from when the code was received", () => {
    expect(remainingMs(20_000, 1_000, 1_000)).toBe(20_000);
    expect(remainingMs(20_000, 1_000, 6_500)).toBe(14_500);
  });
  it("never goes below zero, and ignores a clock that went back", () => {
    expect(remainingMs(2_000, 0, 5_000)).toBe(0);
    expect(remainingMs(2_000, 5_000, 4_000)).toBe(2_000);
  });
});

describe("secondsLeft", () => {
  it("rounds up, so the ring reads 30 at the start and 1 at the end", () => {
    expect(secondsLeft(30_000)).toBe(30);
    expect(secondsLeft(29_200)).toBe(30);
    expect(secondsLeft(29_000)).toBe(29);
    expect(secondsLeft(400)).toBe(1);
    expect(secondsLeft(0)).toBe(0);
    expect(secondsLeft(-5)).toBe(0);
  });
});

describe("fractionLeft and ringOffset", () => {
  it("is the share of the period left, clamped", () => {
    expect(fractionLeft(15_000, 30_000)).toBe(0.5);
    expect(fractionLeft(45_000, 30_000)).toBe(1);
    expect(fractionLeft(-1, 30_000)).toBe(0);
    expect(fractionLeft(10, 0)).toBe(0);
  });
  it("turns a fraction into a dash offset", () => {
    expect(ringOffset(1, 100)).toBe(0);
    expect(ringOffset(0, 100)).toBe(100);
    expect(ringOffset(0.25, 100)).toBe(75);
  });
});

describe("next code", () => {
  it("is shown in the last quarter of the period, 5 to 10 s", () => {
    expect(nextCodeLead(30_000)).toBe(8);
    expect(nextCodeLead(60_000)).toBe(10);
    expect(nextCodeLead(15_000)).toBe(5);
    expect(nextCodeLead(300_000)).toBe(10);
  });
  it("appears when few seconds are left, not before", () => {
    expect(showNextCode(8_000, 30_000)).toBe(true);
    expect(showNextCode(8_001, 30_000)).toBe(false);
    expect(showNextCode(3_000, 30_000)).toBe(true);
    expect(showNextCode(0, 30_000)).toBe(false);
  });
  it("marks the last 5 seconds as urgent", () => {
    expect(isUrgent(5_000)).toBe(true);
    expect(isUrgent(5_001)).toBe(false);
  });
});

describe("nextPollDelay", () => {
  it("waits for the next whole second", () => {
    expect(nextPollDelay([], 10_250)).toBe(770);
    expect(nextPollDelay([null], 10_000)).toBe(1000);
  });
  it("polls right after the soonest code expires", () => {
    expect(nextPollDelay([25_000, 300, null], 10_000)).toBe(330);
  });
  it("stays between 50 ms and 1 s", () => {
    expect(nextPollDelay([0], 10_000)).toBe(50);
    expect(nextPollDelay([5_000], 10_999)).toBeLessThanOrEqual(1000);
  });
});
