import { describe, expect, it } from "vitest";
import { duration, parseDuration, timeLeft } from "./time";

describe("timeLeft", () => {
  it("counts down in the largest sensible units", () => {
    expect(timeLeft(42_000)).toBe("42 s");
    expect(timeLeft(187_000)).toBe("3 min 07 s");
    expect(timeLeft(3_840_000)).toBe("1 h 04 min");
    expect(timeLeft(2 * 86_400_000 + 3_600_000)).toBe("2 d 1 h");
  });

  it("rounds a part second up and calls the past expired", () => {
    expect(timeLeft(500)).toBe("1 s");
    expect(timeLeft(0)).toBe("expired");
    expect(timeLeft(-5)).toBe("expired");
  });
});

describe("duration", () => {
  it("renders elapsed times", () => {
    expect(duration(850)).toBe("850 ms");
    expect(duration(12_345)).toBe("12.3 s");
    expect(duration(125_000)).toBe("2 min 05 s");
  });
});

describe("parseDuration", () => {
  it("reads a template's durations", () => {
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("45s")).toBe(45_000);
    expect(parseDuration("7d")).toBe(604_800_000);
  });

  it("refuses what is not a duration", () => {
    expect(parseDuration("soon")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
    expect(parseDuration(undefined)).toBeUndefined();
  });
});
