import { describe, expect, test } from "bun:test";
import { DurationError, SizeError, formatDuration, parseDuration, parseSize } from "../../src/core/duration";

describe("parseDuration", () => {
  test("reads single units", () => {
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("2s")).toBe(2000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("1m")).toBe(60_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("0s")).toBe(0);
  });

  test("reads composites, largest unit first", () => {
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1h2m3s")).toBe(3_723_000);
    expect(parseDuration("2s500ms")).toBe(2500);
  });

  test("reads what formatDuration writes", () => {
    for (const ms of [850, 2000, 2500, 90_000, 7_500_000, 273_600_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });

  test("ignores surrounding whitespace", () => {
    expect(parseDuration("  2s\t")).toBe(2000);
  });

  test("takes numbers as milliseconds", () => {
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration(0)).toBe(0);
  });

  test("takes a bare 0 as a string too, as the config does: it needs no unit", () => {
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration(" 0 ")).toBe(0);
    expect(() => parseDuration("00")).toThrow(DurationError);
  });

  test("rejects anything else with one message", () => {
    for (const bad of ["", "   ", "abc", "-1s", "5", "5x", "1 s", "s", "1.s", ".5s", "30s1m", "1s2s", "1m 30s", "2S"]) {
      expect(() => parseDuration(bad)).toThrow(
        new DurationError(bad).message,
      );
      expect(() => parseDuration(bad)).toThrow(DurationError);
    }
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => parseDuration(bad)).toThrow(DurationError);
  });

  test("the message quotes the input and shows examples", () => {
    expect(new DurationError("5x").message).toBe(
      'invalid duration "5x": expected a number with a unit, like 500ms, 2s, 1m30s or 1h',
    );
    expect(new DurationError("5x")).toBeInstanceOf(Error);
  });
});

describe("formatDuration", () => {
  test("writes the compact form", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(850)).toBe("850ms");
    expect(formatDuration(2000)).toBe("2s");
    expect(formatDuration(2500)).toBe("2.5s");
    expect(formatDuration(9_940)).toBe("9.9s");
    expect(formatDuration(12_400)).toBe("12s");
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(120_000)).toBe("2m");
    expect(formatDuration(7_500_000)).toBe("2h5m");
    expect(formatDuration(3_600_000)).toBe("1h");
    expect(formatDuration(273_600_000)).toBe("3d4h");
  });

  test("rounding never leaves a unit at its maximum", () => {
    expect(formatDuration(999.7)).toBe("1s");
    expect(formatDuration(9_970)).toBe("10s");
    expect(formatDuration(59_700)).toBe("1m");
    expect(formatDuration(3_599_700)).toBe("1h");
    expect(formatDuration(86_399_000)).toBe("1d");
  });
});

describe("parseSize", () => {
  test("reads 1024-based units", () => {
    expect(parseSize("10MiB")).toBe(10 * 1024 * 1024);
    expect(parseSize("512KiB")).toBe(512 * 1024);
    expect(parseSize("1GiB")).toBe(1024 ** 3);
    expect(parseSize("512K")).toBe(512 * 1024);
    expect(parseSize("512k")).toBe(512 * 1024);
    expect(parseSize("1G")).toBe(1024 ** 3);
    expect(parseSize("1.5KiB")).toBe(1536);
  });

  test("reads 1000-based units", () => {
    expect(parseSize("10MB")).toBe(10_000_000);
    expect(parseSize("1KB")).toBe(1000);
    expect(parseSize("2GB")).toBe(2_000_000_000);
  });

  test("reads plain bytes", () => {
    expect(parseSize(4096)).toBe(4096);
    expect(parseSize("4096")).toBe(4096);
    expect(parseSize("100B")).toBe(100);
    expect(parseSize(" 10 MiB ")).toBe(10 * 1024 * 1024);
  });

  test("rejects anything else with one message", () => {
    for (const bad of ["", "abc", "-1MiB", "10XB", "MiB", "10MiBs", "1.MiB"]) {
      expect(() => parseSize(bad)).toThrow(SizeError);
    }
    for (const bad of [-1, Number.NaN]) expect(() => parseSize(bad)).toThrow(SizeError);
    expect(new SizeError("10XB").message).toBe(
      'invalid size "10XB": expected bytes or a size like 512KiB, 10MiB, 1GiB',
    );
  });
});
