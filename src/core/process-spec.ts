import type { SandboxSettings } from "./sandbox-settings";
import type { DependencyCondition, ProbeSpec } from "./probe-spec";
import { DEFAULT_RESTART, type RestartSettings } from "./restart-policy";

export type Origin = "worker" | "session";

export interface LogSettings {
  maxBytes: number;
  maxFiles: number;
}

/** The project a process belongs to: its name and its folder (the config's). */
export interface ProjectRef {
  name: string;
  dir: string;
}

export interface ProcessSpec {
  /** The full name: `project/name` for a process of a project, else the name alone. */
  name: string;
  /** Absent for a process of no project (a session started outside any project's folder). */
  project?: ProjectRef;
  /** argv; a command given as a string becomes ["sh", "-c", cmd] */
  command: string[];
  /** true when the command was given as a string */
  shell: boolean;
  /** as written: the caller resolves it relative to the config's directory */
  cwd?: string;
  env: Record<string, string>;
  restart: RestartSettings;
  /** always the full name, e.g. "SIGTERM" */
  stopSignal: string;
  graceMs: number;
  tty: boolean;
  /** Confinement (Linux, bubblewrap); absent means none. */
  sandbox?: SandboxSettings;
  log: LogSettings;
  origin: Origin;
  /** Checked on every run; until it passes the process is "running", not "ready". */
  ready?: ProbeSpec;
  /** What each named process (by full name) must have reached before this one starts. */
  dependsOn?: Record<string, DependencyCondition>;
  /** The config file it was defined in, and the line of its definition when known (workers only). */
  source?: ConfigSource;
}

export interface ConfigSource {
  file: string;
  line: number | null;
}

/** The signals a process may be asked to stop with, by their full names. */
export const SIGNAL_NAMES: readonly string[] = Object.freeze([
  "SIGTERM",
  "SIGINT",
  "SIGHUP",
  "SIGQUIT",
  "SIGKILL",
  "SIGUSR1",
  "SIGUSR2",
  "SIGWINCH",
]);

/**
 * "SIGTERM" or "TERM" → "SIGTERM"; anything else → null. Case-sensitive on
 * purpose, so the config parser and the JSON Schema's enum accept exactly the
 * same spellings.
 */
export function normaliseSignal(input: string): string | null {
  const full = input.startsWith("SIG") ? input : `SIG${input}`;
  return SIGNAL_NAMES.includes(full) ? full : null;
}

export type SpecDefaults = Pick<
  ProcessSpec,
  "env" | "restart" | "stopSignal" | "graceMs" | "tty" | "log" | "origin"
>;

export const DEFAULT_LOG: Readonly<LogSettings> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxFiles: 3,
});

function defaults(origin: Origin): SpecDefaults {
  return {
    env: {},
    // mode is spread last so it wins whether or not DEFAULT_RESTART carries one
    restart: {
      ...DEFAULT_RESTART,
      parkExitCodes: [...DEFAULT_RESTART.parkExitCodes],
      mode: origin === "worker" ? "always" : "no",
    },
    stopSignal: "SIGTERM",
    graceMs: origin === "worker" ? 30_000 : 10_000,
    tty: false,
    log: { ...DEFAULT_LOG },
    origin,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Frozen, because they are shared: take copies with `defaultsFor`. */
export const WORKER_DEFAULTS: Readonly<SpecDefaults> = deepFreeze(defaults("worker"));
export const SESSION_DEFAULTS: Readonly<SpecDefaults> = deepFreeze(defaults("session"));

/** A fresh, mutable copy of the defaults for one origin. */
export function defaultsFor(origin: Origin): SpecDefaults {
  return defaults(origin);
}
