import type { ArgsDef } from "citty";
// Types only: the config parser is loaded by the commands that read a config, not by all.
import type { LoadChoices } from "../../client/config-file";
import { parseDuration } from "../../core/duration";
import { UsageError } from "../../core/errors";
import type { ProbeFlags } from "../../core/probe-flags";
import { normaliseSignal, SIGNAL_NAMES } from "../../core/process-spec";
import type { ProcessRecord } from "../../core/process-status";
import { folderProject, needsFolderProject, scopeOf, type Scope, type ScopeFlags } from "../../client/scope";
import type { TendHome } from "../../client/tend-client";
import { DEFAULT_PERMISSION_MODE, type PermissionMode, type SandboxSettings } from "../../core/sandbox-settings";

/** Argument groups several commands share; spread into a command's `args`. */

/** The scope of a command's names, read against the processes there are (and, `withLogs`, the names with logs). */
export async function scopeFor(client: TendHome, flags: ScopeFlags, withLogs = false): Promise<{ scope: Scope; records: ProcessRecord[] }> {
  const records = await client.knownRecords();
  const folder = needsFolderProject(flags, records) ? await folderProject() : null;
  return { scope: scopeOf(flags, records, { alsoKnown: withLogs ? client.loggedNames() : [], folderProject: folder }), records };
}

/** Which project a command acts on; the default is the project of the current folder. */
export const projectArg = {
  project: { type: "string", valueHint: "P", alias: "p", description: "The project to act on (default: the one whose folder this is; outside any, every process)" },
} as const satisfies ArgsDef;

export const jsonArg = {
  json: { type: "boolean", description: "Print machine-readable JSON (shape documented in docs/json.md)" },
} as const satisfies ArgsDef;

/** A duration option (`--grace 5s`); absent stays undefined, a bad one is a usage error. */
export function durationOption(flag: string, raw: unknown): number | undefined {
  if (typeof raw !== "string") return undefined;
  try {
    return parseDuration(raw);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

/** A signal option (`--signal INT`, `--stop-signal sigint`): any case, "SIG" optional. */
export function signalOption(flag: string, raw: unknown): NodeJS.Signals | undefined {
  if (typeof raw !== "string") return undefined;
  const signal = normaliseSignal(raw.toUpperCase());
  if (!signal) throw new UsageError(`${flag} ${raw}: unknown signal`, `use one of ${SIGNAL_NAMES.join(", ")}`);
  return signal as NodeJS.Signals;
}

/** The one document of a `--json` command, on stdout (docs/json.md). */
export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document)}\n`);
}

/** The command after `--`, untouched by option parsing. */
export function commandAfterDashes(rawArgs: string[]): string[] | null {
  const i = rawArgs.indexOf("--");
  return i === -1 ? null : rawArgs.slice(i + 1);
}

/** Every value of a repeatable string option (citty keeps only the last one). */
export function repeatedOption(rawArgs: string[], names: string[]): string[] {
  const end = rawArgs.indexOf("--");
  const args = end === -1 ? rawArgs : rawArgs.slice(0, end);
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      const flag = n.length === 1 ? `-${n}` : `--${n}`;
      if (a === flag && i + 1 < args.length) values.push(args[++i]!);
      else if (a.startsWith(`${flag}=`)) values.push(a.slice(flag.length + 1));
    }
  }
  return values;
}

/** Readiness probe options, shared by bg, wait and run. */
export const probeArgs = {
  "ready-http": { type: "string", valueHint: "URL", description: "Ready when this URL answers 2xx/3xx (or --ready-status)" },
  "ready-status": { type: "string", valueHint: "CODES", description: "Status codes that count as ready, e.g. 200,204" },
  "ready-port": { type: "string", valueHint: "[HOST:]PORT", description: "Ready when a TCP connect to [host:]port succeeds (host 127.0.0.1)" },
  "ready-log": { type: "string", valueHint: "RE", description: "Ready when an output line matches this regular expression" },
  "ready-cmd": { type: "string", valueHint: "CMD", description: "Ready when this shell command exits 0" },
  "ready-interval": { type: "string", valueHint: "D", description: "Time between probe attempts (default: 100ms)" },
  "ready-attempt-timeout": { type: "string", valueHint: "D", description: "Time one attempt may take (default: 1s)" },
  timeout: { type: "string", valueHint: "D", description: "Give up waiting after this long (default: 60s)" },
  tail: { type: "string", valueHint: "N", description: "Log lines shown when it fails (default: 50)" },
} as const satisfies ArgsDef;

export function probeFlagsOf(args: Record<string, unknown>): ProbeFlags {
  const s = (k: string) => (typeof args[k] === "string" ? (args[k] as string) : undefined);
  return {
    http: s("ready-http"),
    status: s("ready-status"),
    port: s("ready-port"),
    log: s("ready-log"),
    cmd: s("ready-cmd"),
    interval: s("ready-interval"),
    attemptTimeout: s("ready-attempt-timeout"),
    timeout: s("timeout"),
  };
}

export function tailOf(args: Record<string, unknown>): number {
  const raw = args.tail;
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--tail: expected a whole number, got "${raw}"`);
  return n;
}

/** Probe timing options mean nothing without a probe; saying so beats ignoring them. */
export function rejectStrayProbeOptions(args: Record<string, unknown>): void {
  for (const flag of ["ready-status", "ready-interval", "ready-attempt-timeout", "timeout", "tail"]) {
    if (args[flag] !== undefined) throw new UsageError(`--${flag} needs a readiness probe (--ready-http, --ready-port, --ready-log or --ready-cmd)`);
  }
}

/** Confinement options, shared by start and bg. */
export const sandboxArgs = {
  sandbox: { type: "boolean", description: "Run confined with bubblewrap (Linux): read-only filesystem, private /tmp, no network" },
  "permission-mode": { type: "enum", options: ["read-only", "workspace-write", "full"], description: "With --sandbox: what it may write (default: workspace-write = its working directory)" },
  "allow-net": { type: "boolean", description: "With --sandbox: keep the network" },
} as const satisfies ArgsDef;

export function sandboxOf(args: Record<string, unknown>): SandboxSettings | undefined {
  if (!args.sandbox) {
    if (args["permission-mode"] !== undefined || args["allow-net"] !== undefined) {
      throw new UsageError("--permission-mode and --allow-net go with --sandbox");
    }
    return undefined;
  }
  return { mode: (args["permission-mode"] as PermissionMode | undefined) ?? DEFAULT_PERMISSION_MODE, allowNet: args["allow-net"] === true };
}

/** Which config, and what of it to run: shared by start and check. */
export const runPlanArgs = {
  names: { type: "positional", required: false, description: "Only these processes of the config (and what they depend on)" },
  dir: { type: "string", valueHint: "DIR", description: "Working directory and where to look for the config (default: current directory)" },
  config: { type: "string", valueHint: "FILE", alias: "f", description: "Config file to use instead of looking in --dir" },
  "env-file": { type: "string", valueHint: "FILE", description: "Also load variables from this KEY=VALUE file, after the project's .env (repeatable)" },
  port: { type: "string", valueHint: "BASE", description: "First PORT handed out: each process gets base + 100 in file order (default: 5000)" },
  formation: { type: "string", valueHint: "NAME=N,…", alias: "m", description: "How many of each process to run, e.g. web=2,worker=1 (as web.1, web.2 …)" },
  grace: { type: "string", valueHint: "D", description: "How long every process gets to stop before SIGKILL, instead of its stop_grace" },
} as const satisfies ArgsDef;

export function runChoicesOf(args: Record<string, unknown> & { _?: string[] }, rawArgs: string[]): LoadChoices {
  const port = args.port === undefined ? undefined : Number(args.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new UsageError(`--port: expected a port from 1 to 65535, got "${args.port}"`);
  }
  const graceMs = durationOption("--grace", args.grace);
  return {
    names: args._ ?? [],
    ...(typeof args.formation === "string" ? { formation: args.formation } : {}),
    ...(port === undefined ? {} : { portBase: port }),
    ...(graceMs === undefined ? {} : { graceMs }),
    envFiles: repeatedOption(rawArgs, ["env-file"]),
  };
}
