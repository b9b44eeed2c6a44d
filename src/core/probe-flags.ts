import * as v from "valibot";
import { UsageError } from "./errors";
import { DEFAULT_PROBE_HOST, PROBE_DEFAULTS, type ProbeCheck, type ProbeSpec } from "./probe-spec";
import { HttpStatus, HttpUrl, LogPattern, Port, PositiveDuration, ShellCommand } from "./value-schemas";

export interface ProbeFlags {
  http?: string;
  status?: string;
  port?: string;
  log?: string;
  cmd?: string;
  interval?: string;
  attemptTimeout?: string;
  timeout?: string;
}

const CHECK_FLAGS = [
  ["http", "--ready-http"],
  ["port", "--ready-port"],
  ["log", "--ready-log"],
  ["cmd", "--ready-cmd"],
] as const;

/** `value` as the config file's rule for it reads it; its complaint is the flag's. */
export function readFlag<T>(flag: string, schema: v.GenericSchema<unknown, T>, value: unknown): T {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new UsageError(`${flag}: ${result.issues[0].message}`);
  return result.output;
}

/**
 * The probe the command line asks for, or null when it names no check. Every flag given is
 * validated even then, so a typo in --timeout is reported whatever the caller does with it.
 */
export function probeFromFlags(flags: ProbeFlags): ProbeSpec | null {
  const given = CHECK_FLAGS.filter(([key]) => flags[key] !== undefined);
  if (given.length > 1) {
    throw new UsageError(`${given.map(([, flag]) => flag).join(" and ")}: expected only one readiness probe`);
  }
  const statuses = flags.status === undefined ? null : statusesFromFlag(flags.status);
  const duration = (flag: string, text: string | undefined, fallback: number) =>
    text === undefined ? fallback : readFlag(flag, PositiveDuration, text);
  const timing = {
    intervalMs: duration("--ready-interval", flags.interval, PROBE_DEFAULTS.intervalMs),
    attemptTimeoutMs: duration("--ready-attempt-timeout", flags.attemptTimeout, PROBE_DEFAULTS.attemptTimeoutMs),
    timeoutMs: duration("--timeout", flags.timeout, PROBE_DEFAULTS.timeoutMs),
  };
  const check = checkFromFlags(flags);
  if (check === null) return null;
  if (statuses !== null) {
    if (check.kind !== "http") throw new UsageError("--ready-status: applies to --ready-http only");
    check.statuses = statuses;
  }
  return { check, ...timing };
}

function checkFromFlags(flags: ProbeFlags): ProbeCheck | null {
  if (flags.http !== undefined) return { kind: "http", url: readFlag("--ready-http", HttpUrl, flags.http), statuses: null };
  if (flags.port !== undefined) return portFromFlag(flags.port);
  if (flags.log !== undefined) return { kind: "log", pattern: readFlag("--ready-log", LogPattern, flags.log) };
  if (flags.cmd !== undefined) return { kind: "cmd", command: readFlag("--ready-cmd", ShellCommand, flags.cmd) };
  return null;
}

// "[::1]:3000" keeps the brackets IPv6 needs in front of a port; "::1:3000" would be ambiguous.
const HOST_PORT = /^(?:\[([^\]]+)\]|([^:[\]]+)):([^:]*)$/;

function portFromFlag(text: string): ProbeCheck {
  const hostPort = HOST_PORT.exec(text.trim());
  const portText = hostPort ? hostPort[3]! : text.trim();
  const host = hostPort ? (hostPort[1] ?? hostPort[2]!) : DEFAULT_PROBE_HOST;
  const port = /^\d{1,5}$/.test(portText) ? v.safeParse(Port, Number(portText)) : null;
  if (!port?.success) {
    throw new UsageError(
      `--ready-port ${JSON.stringify(text)}: expected a port from 1 to 65535, optionally after a host (3000, db:5432, [::1]:3000)`,
    );
  }
  return { kind: "port", host, port: port.output };
}

function statusesFromFlag(text: string): number[] {
  const parts = text.split(",").map((part) => part.trim());
  if (!parts.every((part) => /^\d{3}$/.test(part) && v.is(HttpStatus, Number(part)))) {
    throw new UsageError(
      `--ready-status ${JSON.stringify(text)}: expected HTTP status codes from 100 to 599, separated by commas (200,204)`,
    );
  }
  return parts.map(Number);
}
