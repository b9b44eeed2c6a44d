import { describe, expect, test } from "bun:test";
import { encodeCriLine, formatTimestamp, parseCriLine, parseTimestamp } from "../../src/core/cri";

const enc = new TextEncoder();
const dec = new TextDecoder();
const NS = 1_000_000_000n;
const nsOf = (iso: string, fraction = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + fraction;

/** A written line as the reader sees it: decoded, without its "\n". */
function written(ts: string, stream: "stdout" | "stderr", partial: boolean, text: string): string {
  const bytes = encodeCriLine(ts, stream, partial, enc.encode(text));
  expect(bytes[bytes.length - 1]).toBe(10);
  return dec.decode(bytes.subarray(0, -1));
}

describe("formatTimestamp", () => {
  test("UTC with always nine fraction digits", () => {
    expect(formatTimestamp(nsOf("2026-11-24T03:26:19Z", 123_456_789n))).toBe("2026-11-24T03:26:19.123456789Z");
    expect(formatTimestamp(nsOf("2026-11-24T03:26:19Z"))).toBe("2026-11-24T03:26:19.000000000Z");
    expect(formatTimestamp(nsOf("2026-11-24T03:26:19Z", 5n))).toBe("2026-11-24T03:26:19.000000005Z");
    expect(formatTimestamp(0n)).toBe("1970-01-01T00:00:00.000000000Z");
  });

  test("stays right across second, day and year boundaries while cached", () => {
    const start = nsOf("2026-12-31T23:59:59Z");
    expect(formatTimestamp(start + 999_999_999n)).toBe("2026-12-31T23:59:59.999999999Z");
    expect(formatTimestamp(start + NS)).toBe("2027-01-01T00:00:00.000000000Z");
    expect(formatTimestamp(start + 999_999_999n)).toBe("2026-12-31T23:59:59.999999999Z");
    expect(formatTimestamp(start + NS + 1n)).toBe("2027-01-01T00:00:00.000000001Z");
  });

  test("text order is time order", () => {
    let t = nsOf("2026-11-24T03:26:18Z", 999_999_000n);
    const stamps: string[] = [];
    for (let i = 0; i < 2000; i++) {
      stamps.push(formatTimestamp(t));
      t += BigInt(1 + ((i * 7919) % 1_000_000));
    }
    expect(stamps.every((s) => s.length === 30)).toBe(true);
    expect([...stamps].sort()).toEqual(stamps);
  });

  test("round-trips through parseTimestamp", () => {
    for (const ns of [0n, 1n, nsOf("2026-11-24T03:26:19Z", 123_456_789n), nsOf("2000-02-29T12:00:00Z", 999_999_999n)]) {
      expect(parseTimestamp(formatTimestamp(ns))).toBe(ns);
    }
  });
});

describe("parseTimestamp", () => {
  test("accepts 0 to 9 fraction digits", () => {
    const base = nsOf("2026-11-24T03:26:19Z");
    expect(parseTimestamp("2026-11-24T03:26:19Z")).toBe(base);
    expect(parseTimestamp("2026-11-24T03:26:19.5Z")).toBe(base + 500_000_000n);
    expect(parseTimestamp("2026-11-24T03:26:19.123Z")).toBe(base + 123_000_000n);
    expect(parseTimestamp("2026-11-24T03:26:19.000000001Z")).toBe(base + 1n);
  });

  test("applies ±hh:mm offsets", () => {
    const utc = parseTimestamp("2026-11-24T03:26:19.25Z");
    expect(parseTimestamp("2026-11-24T05:26:19.25+02:00")).toBe(utc);
    expect(parseTimestamp("2026-11-23T22:56:19.25-04:30")).toBe(utc);
    expect(parseTimestamp("2026-11-24T03:26:19.25+00:00")).toBe(utc);
  });

  test("rejects malformed and impossible timestamps", () => {
    for (const bad of [
      "",
      "2026-11-24",
      "2026-11-24T03:26:19",
      "2026-11-24 03:26:19Z",
      "2026-11-24T03:26:19.Z",
      "2026-11-24T03:26:19.1234567890Z",
      "2026-13-01T00:00:00Z",
      "2026-02-30T00:00:00Z",
      "2026-11-24T24:00:00Z",
      "2026-11-24T03:60:00Z",
      "2026-11-24T03:26:19+0200",
      "2026-11-24T03:26:19+24:00",
      " 2026-11-24T03:26:19Z",
    ]) {
      expect(parseTimestamp(bad)).toBeNull();
    }
  });
});

describe("encodeCriLine and parseCriLine", () => {
  const ts = "2026-11-24T03:26:19.123456789Z";

  test("write the documented format", () => {
    expect(written(ts, "stdout", false, "the line")).toBe("2026-11-24T03:26:19.123456789Z stdout F the line");
    expect(written(ts, "stderr", true, "part")).toBe("2026-11-24T03:26:19.123456789Z stderr P part");
  });

  test("round-trip text with spaces, empty text, partial flag and both streams", () => {
    for (const [stream, partial, text] of [
      ["stdout", false, "the line"],
      ["stderr", true, "  leading and trailing spaces  "],
      ["stdout", false, ""],
      ["stderr", false, "F P stdout stderr"],
      ["stdout", true, "ünïcødé ✓"],
    ] as const) {
      expect(parseCriLine(written(ts, stream, partial, text))).toEqual({
        ts,
        timeNs: nsOf("2026-11-24T03:26:19Z", 123_456_789n),
        stream,
        partial,
        text,
      });
    }
  });

  test("pass any bytes of the text through unchanged", () => {
    const junk = new Uint8Array([0xff, 0x00, 0xc3, 0x28, 0x0d]);
    const line = encodeCriLine(ts, "stdout", false, junk);
    expect([...line.subarray(line.length - 1 - junk.length, -1)]).toEqual([...junk]);
  });

  test("parse an empty line that lost the space after its tag, and extra tags after F/P", () => {
    expect(parseCriLine(`${ts} stdout F`)?.text).toBe("");
    expect(parseCriLine(`${ts} stdout P:x some text`)).toMatchObject({ partial: true, text: "some text" });
  });

  test("parse reject malformed lines", () => {
    for (const bad of [
      "",
      "hello world",
      `${ts}`,
      `${ts} stdout`,
      `${ts} stdin F text`,
      `${ts} stdout X text`,
      `${ts} stdout f text`,
      `${ts}  stdout F text`,
      `not-a-time stdout F text`,
      `2026-11-24T03:26:19 stdout F text`,
      ` ${ts} stdout F text`,
    ]) {
      expect(parseCriLine(bad)).toBeNull();
    }
  });
});
