import { describe, expect, test } from "bun:test";
import { UsageError } from "../../src/core/errors";
import { type ProbeFlags, probeFromFlags } from "../../src/core/probe-flags";
import { PROBE_DEFAULTS, describeProbe } from "../../src/core/probe-spec";

function usageError(flags: ProbeFlags): string {
  try {
    probeFromFlags(flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("probeFromFlags", () => {
  test("no check flag: no probe, whatever else is given", () => {
    expect(probeFromFlags({})).toBeNull();
    expect(probeFromFlags({ timeout: "5s", interval: "1s", status: "200" })).toBeNull();
  });

  test("each kind of check, with the defaults", () => {
    expect(probeFromFlags({ http: "http://127.0.0.1:3000/health" })).toEqual({
      check: { kind: "http", url: "http://127.0.0.1:3000/health", statuses: null },
      ...PROBE_DEFAULTS,
    });
    expect(probeFromFlags({ log: "listening on" })).toEqual({ check: { kind: "log", pattern: "listening on" }, ...PROBE_DEFAULTS });
    expect(probeFromFlags({ cmd: "pg_isready" })).toEqual({ check: { kind: "cmd", command: "pg_isready" }, ...PROBE_DEFAULTS });
    expect(PROBE_DEFAULTS).toEqual({ intervalMs: 100, attemptTimeoutMs: 1000, timeoutMs: 60_000 });
  });

  test("ports, with or without a host", () => {
    const port = (text: string) => probeFromFlags({ port: text })?.check;
    expect(port("3000")).toEqual({ kind: "port", host: "127.0.0.1", port: 3000 });
    expect(port("db:5432")).toEqual({ kind: "port", host: "db", port: 5432 });
    expect(port("[::1]:3000")).toEqual({ kind: "port", host: "::1", port: 3000 });
    expect(port(" 65535 ")).toEqual({ kind: "port", host: "127.0.0.1", port: 65535 });
    for (const bad of ["0", "65536", "http", "db:", ":80", "::1:3000", "[::1]", "[]:80", "3000.5", ""]) {
      expect(usageError({ port: bad })).toBe(
        `--ready-port ${JSON.stringify(bad)}: expected a port from 1 to 65535, optionally after a host (3000, db:5432, [::1]:3000)`,
      );
    }
  });

  test("statuses and timings", () => {
    expect(
      probeFromFlags({ http: "https://x.test/", status: "200, 204", interval: "50ms", attemptTimeout: "2s", timeout: "1m30s" }),
    ).toEqual({
      check: { kind: "http", url: "https://x.test/", statuses: [200, 204] },
      intervalMs: 50,
      attemptTimeoutMs: 2000,
      timeoutMs: 90_000,
    });
  });

  test("only one check", () => {
    expect(usageError({ http: "http://x/", port: "80" })).toBe("--ready-http and --ready-port: expected only one readiness probe");
    expect(usageError({ log: "x", cmd: "true", port: "1" })).toBe(
      "--ready-port and --ready-log and --ready-cmd: expected only one readiness probe",
    );
  });

  test("bad URLs", () => {
    // The same words as the config file's field "ready.http": one rule, one message.
    expect(usageError({ http: "ftp://x/" })).toBe('--ready-http: expected an http:// or https:// URL, not ftp:, got "ftp://x/"');
    expect(usageError({ http: "/health" })).toBe('--ready-http: expected an http:// or https:// URL, got "/health"');
  });

  test("bad regular expressions say what is wrong", () => {
    expect(usageError({ log: "(ready" })).toBe('--ready-log: invalid regular expression: missing ), got "(ready"');
    expect(usageError({ log: "" })).toBe('--ready-log: expected a regular expression as a non-empty string, got ""');
  });

  test("an empty command", () => {
    expect(usageError({ cmd: " " })).toBe('--ready-cmd: expected a command (run with sh -c) as a non-empty string, got " "');
  });

  test("bad statuses, also without a check", () => {
    const expected = (text: string) =>
      `--ready-status ${JSON.stringify(text)}: expected HTTP status codes from 100 to 599, separated by commas (200,204)`;
    for (const bad of ["99", "600", "2xx", "200,", "", "200;204"]) {
      expect(usageError({ http: "http://x/", status: bad })).toBe(expected(bad));
    }
    expect(usageError({ status: "ok" })).toBe(expected("ok"));
    expect(usageError({ port: "80", status: "200" })).toBe("--ready-status: applies to --ready-http only");
  });

  test("bad durations, also without a check", () => {
    expect(usageError({ port: "80", timeout: "10" })).toBe(
      '--timeout: invalid duration "10": expected a number with a unit, like 500ms, 2s, 1m30s or 1h',
    );
    expect(usageError({ interval: "0s" })).toBe('--ready-interval: expected a duration longer than 0, got "0s"');
    expect(usageError({ cmd: "true", attemptTimeout: "soon" })).toStartWith('--ready-attempt-timeout: invalid duration "soon"');
  });
});

describe("describeProbe", () => {
  const timing = { ...PROBE_DEFAULTS };
  test("one short phrase per kind", () => {
    expect(describeProbe({ check: { kind: "http", url: "http://127.0.0.1:3000/health", statuses: null }, ...timing })).toBe(
      "http http://127.0.0.1:3000/health",
    );
    expect(describeProbe({ check: { kind: "http", url: "http://x/", statuses: [200, 204] }, ...timing })).toBe(
      "http http://x/ (status 200, 204)",
    );
    expect(describeProbe({ check: { kind: "port", host: "127.0.0.1", port: 5432 }, ...timing })).toBe("port 127.0.0.1:5432");
    expect(describeProbe({ check: { kind: "port", host: "::1", port: 5432 }, ...timing })).toBe("port [::1]:5432");
    expect(describeProbe({ check: { kind: "log", pattern: "listening on" }, ...timing })).toBe("log /listening on/");
    expect(describeProbe({ check: { kind: "cmd", command: "pg_isready" }, ...timing })).toBe("cmd pg_isready");
  });
});
