import { DurationError, formatDuration, parseDuration } from "./duration";
import { UsageError } from "./errors";
import { describeExit } from "./restart-policy";

export type ProbeCheck =
  /** statuses null: any 2xx or 3xx */
  | { kind: "http"; url: string; statuses: number[] | null }
  /** a TCP connect */
  | { kind: "port"; host: string; port: number }
  /** a RegExp source, matched against each output line */
  | { kind: "log"; pattern: string }
  /** run with sh -c in the process's cwd and env; ready when it exits 0 */
  | { kind: "cmd"; command: string };

export interface ProbeSpec {
  check: ProbeCheck;
  /** Pause between the end of one attempt and the start of the next. */
  intervalMs: number;
  attemptTimeoutMs: number;
  /** From the start of the run; the process is "not ready" after that. */
  timeoutMs: number;
}

export const PROBE_DEFAULTS = Object.freeze({ intervalMs: 100, attemptTimeoutMs: 1000, timeoutMs: 60000 } as const);

/** Where a port probe connects when no host is given: the process runs on this machine. */
export const DEFAULT_PROBE_HOST = "127.0.0.1";

export type DependencyCondition = "started" | "ready" | "completed";

export function describeProbe(p: ProbeSpec): string {
  const c = p.check;
  switch (c.kind) {
    case "http":
      return c.statuses === null ? `http ${c.url}` : `http ${c.url} (status ${c.statuses.join(", ")})`;
    case "port":
      return `port ${c.host.includes(":") ? `[${c.host}]` : c.host}:${c.port}`;
    case "log":
      return `log /${c.pattern}/`;
    case "cmd":
      return `cmd ${c.command}`;
  }
}

/** Why `url` cannot be probed over HTTP, or null when it can. */
export function httpUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "expected an http:// or https:// URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return `expected an http:// or https:// URL, not ${parsed.protocol}`;
  }
  return null;
}

/** Why `pattern` is not a usable regular expression, or null when it is. */
export function patternProblem(pattern: string): string | null {
  if (pattern === "") return "expected a regular expression; an empty one would match any line";
  try {
    new RegExp(pattern);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.charAt(0).toLowerCase() + message.slice(1);
  }
}

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
  const timing = {
    intervalMs: durationFromFlag("--ready-interval", flags.interval) ?? PROBE_DEFAULTS.intervalMs,
    attemptTimeoutMs: durationFromFlag("--ready-attempt-timeout", flags.attemptTimeout) ?? PROBE_DEFAULTS.attemptTimeoutMs,
    timeoutMs: durationFromFlag("--timeout", flags.timeout) ?? PROBE_DEFAULTS.timeoutMs,
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
  if (flags.http !== undefined) {
    const problem = httpUrlProblem(flags.http);
    if (problem !== null) throw new UsageError(`--ready-http ${JSON.stringify(flags.http)}: ${problem}`);
    return { kind: "http", url: flags.http, statuses: null };
  }
  if (flags.port !== undefined) return portFromFlag(flags.port);
  if (flags.log !== undefined) {
    const problem = patternProblem(flags.log);
    if (problem !== null) throw new UsageError(`--ready-log ${JSON.stringify(flags.log)}: ${problem}`);
    return { kind: "log", pattern: flags.log };
  }
  if (flags.cmd !== undefined) {
    if (flags.cmd.trim() === "") throw new UsageError("--ready-cmd: expected a command to run, got an empty string");
    return { kind: "cmd", command: flags.cmd };
  }
  return null;
}

// "[::1]:3000" keeps the brackets IPv6 needs in front of a port; "::1:3000" would be ambiguous.
const HOST_PORT = /^(?:\[([^\]]+)\]|([^:[\]]+)):([^:]*)$/;

function portFromFlag(text: string): ProbeCheck {
  const fail = (): never => {
    throw new UsageError(
      `--ready-port ${JSON.stringify(text)}: expected a port from 1 to 65535, optionally after a host (3000, db:5432, [::1]:3000)`,
    );
  };
  const hostPort = HOST_PORT.exec(text.trim());
  const portText = hostPort ? hostPort[3]! : text.trim();
  const host = hostPort ? (hostPort[1] ?? hostPort[2]!) : DEFAULT_PROBE_HOST;
  if (!/^\d{1,5}$/.test(portText)) fail();
  const port = Number(portText);
  if (port < 1 || port > 65535) fail();
  return { kind: "port", host, port };
}

function statusesFromFlag(text: string): number[] {
  const parts = text.split(",").map((part) => part.trim());
  if (!parts.every((part) => /^\d{3}$/.test(part) && Number(part) >= 100 && Number(part) <= 599)) {
    throw new UsageError(
      `--ready-status ${JSON.stringify(text)}: expected HTTP status codes from 100 to 599, separated by commas (200,204)`,
    );
  }
  return parts.map(Number);
}

function durationFromFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    if (error instanceof DurationError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
  if (ms <= 0) throw new UsageError(`${flag}: expected a duration longer than 0, got ${JSON.stringify(text)}`);
  return ms;
}

/** Why a probe gave up, as every report of it says it: `not ready after 60s (http …): HTTP 503`. */
export function notReadyMessage(afterMs: number, probe: ProbeSpec, lastError: string | null): string {
  return `not ready after ${formatDuration(afterMs)} (${describeProbe(probe)})${lastError ? `: ${lastError}` : ""}`;
}

/** A process that ended while someone waited for it to be ready. */
export function exitedBeforeReady(name: string, exitCode: number | null, exitSignal: string | null): string {
  return `${name} exited (${describeExit(exitCode, exitSignal)}) before it was ready`;
}
