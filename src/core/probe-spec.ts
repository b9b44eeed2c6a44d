import { formatDuration } from "./duration";
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
    // A URL with a variable in it reads as none; say what is meant instead.
    if (/\$\{?[A-Za-z_]/.test(url)) return 'variables are not expanded in a readiness URL; to wait for the process\'s own PORT use ready = "port"';
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

/** Why a probe gave up, as every report of it says it: `not ready after 60s (http …): HTTP 503`. */
export function notReadyMessage(afterMs: number, probe: ProbeSpec, lastError: string | null): string {
  return `not ready after ${formatDuration(afterMs)} (${describeProbe(probe)})${lastError ? `: ${lastError}` : ""}`;
}

/**
 * A probe that cannot pass because another process holds the port, said as a not-ready reason:
 * `not ready: port 8000 is held by pid 1234 (python3 -m http.server), not by api`.
 */
export function heldByOtherMessage(port: number, holder: { pid: number | null; command: string | null }, name: string): string {
  const who = holder.pid === null ? "a process tend cannot see (another user's?)" : `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ""}`;
  return `not ready: port ${port} is held by ${who}, not by ${name}`;
}

/** A process that ended while someone waited for it to be ready. */
export function exitedBeforeReady(name: string, exitCode: number | null, exitSignal: string | null, notReady: string | null = null): string {
  return `${name} exited (${describeExit(exitCode, exitSignal)}) before it was ready${notReady ? ` (${notReady})` : ""}`;
}
