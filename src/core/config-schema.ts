import * as v from "valibot";
import { didYouMean } from "./did-you-mean";
import { formatDuration } from "./duration";
import { DEFAULT_PROBE_HOST, PROBE_DEFAULTS, type ProbeCheck, type ProbeSpec } from "./probe-spec";
import { OWN_PORT } from "./run-plan";
import { type ProcessSpec, SIGNAL_NAMES, WORKER_DEFAULTS, normaliseSignal } from "./process-spec";
import { DEFAULT_PERMISSION_MODE } from "./sandbox-settings";
import {
  DependencyCondition,
  Duration,
  EnvName,
  withoutNul,
  ExitCode,
  HttpStatus,
  HttpUrl,
  LogPattern,
  PermissionMode,
  Port,
  PositiveDuration,
  ProcessName,
  RestartMode,
  ShellCommand,
  LogFiles,
  Size,
  boolean,
  describe,
  expected,
  nonEmptyString,
  oneOf,
  quote,
  tableOnly,
  wholeNumber,
} from "./value-schemas";

/**
 * The config file (tend.toml, .yaml, .json), defined once: the parser validates with it and
 * the build writes schema/tend.schema.json from it. Each schema reads the file's spelling
 * (snake_case, "30s") and yields the ProcessSpec the supervisor runs.
 */

type Entries = v.ObjectEntries;

/** Why a key of a table is not one of `known`. */
export function unknownKey(key: string, known: readonly string[], what: string): string {
  return `unknown${didYouMean(key, known)}; known ${what} are ${known.join(", ")}`;
}

/**
 * A table with exactly these keys. One message function speaks for the table's three
 * complaints: a key it does not know, a required key that is missing, and not being a table.
 */
function table<E extends Entries>(entries: E, messages: { what: string; missing?: string; known?: string }) {
  const known = Object.keys(entries);
  return tableOnly(
    v.strictObject(entries, (issue) => {
      if (issue.expected === "never") return unknownKey(issue.input as string, known, messages.known ?? "fields");
      if (issue.input === undefined && messages.missing !== undefined) return messages.missing;
      return `expected ${messages.what}, got ${describe(issue.input)}`;
    }),
  );
}

function recordOf<K extends v.GenericSchema<string, string>, V extends v.GenericSchema>(key: K, value: V, message?: v.ErrorMessage<v.RecordIssue>) {
  return tableOnly(v.record(key, value, message));
}

/**
 * An optional field with its documentation. The description goes on the outside, after the
 * default, so the JSON Schema keeps it even when the value's own pipe transforms it.
 */
function field<S extends v.GenericSchema>(schema: S, description: string, more: { examples?: unknown[] } = {}) {
  return v.pipe(v.optional(schema), v.description(description), v.metadata(more));
}

/** The same, with the default that applies when the field is left out. */
function fieldOr<S extends v.GenericSchema, const D extends v.Default<S, undefined>>(schema: S, fallback: D, description: string) {
  return v.pipe(v.optional(schema, fallback), v.description(description));
}

/** An issue on the field `key` of the table being checked. */
function fieldIssue(input: Record<string, unknown>, key: string) {
  return [{ type: "object" as const, origin: "value" as const, input, key, value: input[key] }] as [v.ObjectPathItem];
}

const DEFAULTS = WORKER_DEFAULTS;

const Command = v.pipe(
  v.union(
    [
      v.pipe(v.string(), v.regex(/\S/, expected("a non-empty command"))),
      v.pipe(
        v.array(v.string(expected("a string"))),
        v.minLength(1, "expected a non-empty array of strings, got an empty array"),
        v.rawCheck(({ dataset, addIssue }) => {
          if (dataset.typed && dataset.value[0] === "") {
            addIssue({ message: 'expected the program to run, got ""', path: [{ type: "array", origin: "value", input: dataset.value, key: 0, value: "" }] });
          }
        }),
      ),
    ],
    expected("a string or an array of strings"),
  ),
  v.description("A string is run with sh -c; an array is the argv, run directly."),
  v.examples(["bun server.ts", ["bun", "server.ts"]]),
);

const EnvTable = v.pipe(
  recordOf(
    EnvName,
    v.pipe(
      v.union([v.string(), v.pipe(v.number(), v.finite()), v.boolean()], expected("a string, number or boolean")),
      v.transform(String),
      withoutNul("a value"),
    ),
    expected("a table of NAME = value"),
  ),
  v.description("Added to the inherited environment. Numbers and booleans become strings."),
);

const BackoffTable = v.pipe(
  table(
    {
      initial: v.pipe(v.optional(Duration), v.metadata({ default: formatDuration(DEFAULTS.restart.initialBackoffMs) })),
      max: v.pipe(v.optional(Duration), v.metadata({ default: formatDuration(DEFAULTS.restart.maxBackoffMs) })),
      factor: v.optional(
        v.pipe(
          v.number(expected("a number of at least 1")),
          v.finite(expected("a number of at least 1")),
          v.minValue(1, expected("a number of at least 1")),
        ),
        DEFAULTS.restart.backoffFactor,
      ),
    },
    { what: "a table with initial, max and factor" },
  ),
  v.description("The wait before each restart: starts at initial, multiplied by factor each time, capped at max."),
  // The defaults are filled in only here, since the message must say which bound was written.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const b = dataset.value;
    const initial = b.initial ?? DEFAULTS.restart.initialBackoffMs;
    const max = b.max ?? DEFAULTS.restart.maxBackoffMs;
    if (max >= initial) return;
    if (b.max !== undefined) {
      addIssue({ message: `expected at least backoff.initial (${formatDuration(initial)}), got ${formatDuration(max)}`, path: fieldIssue(b, "max") });
    } else {
      addIssue({ message: `expected at most backoff.max (${formatDuration(max)}, the default), got ${formatDuration(initial)}`, path: fieldIssue(b, "initial") });
    }
  }),
);

const LogTable = v.pipe(
  table(
    {
      max_size: v.optional(Size, "10MiB"),
      max_files: v.optional(LogFiles, DEFAULTS.log.maxFiles),
    },
    { what: "a table with max_size and max_files" },
  ),
  v.description("Size-based rotation of the process's log file."),
);

export const READY_CHECKS = ["http", "port", "log", "cmd"] as const satisfies readonly ProbeCheck["kind"][];
/** Fields of a probe that belong to one kind of check only. */
const CHECK_OPTIONS = { status: "http", host: "port" } as const;

const readyChoice = `one of ${READY_CHECKS.join(", ")}`;

const ReadyTableOnly = v.pipe(
  table(
    {
      http: field(HttpUrl, "Ready when a GET of this URL answers with a status in status (redirects are not followed).", {
        examples: ["http://127.0.0.1:3000/health"],
      }),
      port: field(
        v.union([Port, v.pipe(v.literal("$PORT"), v.transform(() => OWN_PORT))], expected('a whole number from 1 to 65535, or "$PORT"')),
        'Ready when a TCP connection to host:port succeeds. "$PORT" is the process\'s own PORT.',
      ),
      log: field(v.pipe(LogPattern, v.metadata({ format: "regex" })), "Ready when a line of the process's output matches this regular expression.", {
        examples: ["listening on"],
      }),
      cmd: field(ShellCommand, "Ready when this command, run with sh -c in the process's directory and environment, exits 0.", {
        examples: ["pg_isready"],
      }),
      status: field(
        v.pipe(v.array(HttpStatus, expected("an array of HTTP status codes")), v.minLength(1, expected("an array of HTTP status codes"))),
        "The HTTP statuses that mean ready; without it any 2xx or 3xx does.",
        { examples: [[200, 204]] },
      ),
      // No default here: a host given to another kind of check is refused below.
      host: v.pipe(field(nonEmptyString("a host name or address"), "Where a port probe connects."), v.metadata({ default: DEFAULT_PROBE_HOST })),
      interval: fieldOr(PositiveDuration, formatDuration(PROBE_DEFAULTS.intervalMs), "Pause between the end of one attempt and the start of the next."),
      attempt_timeout: fieldOr(PositiveDuration, formatDuration(PROBE_DEFAULTS.attemptTimeoutMs), "An attempt that takes longer fails (a cmd probe is killed)."),
      timeout: fieldOr(
        PositiveDuration,
        formatDuration(PROBE_DEFAULTS.timeoutMs),
        "How long after each start the probe may take to pass before the process is reported not ready.",
      ),
    },
    { what: `a table with ${readyChoice}` },
  ),
  v.description(
    `Readiness probe, checked on every run: until it passes the process is running but not ready, and the processes that depend on it wait. Exactly ${readyChoice}.`,
  ),
  // The same rules as the checks below, for editors.
  v.metadata({
    oneOf: READY_CHECKS.map((kind) => ({ required: [kind] })),
    dependentRequired: Object.fromEntries(Object.entries(CHECK_OPTIONS).map(([option, kind]) => [option, [kind]])),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const ready = dataset.value;
    const kinds = READY_CHECKS.filter((kind) => ready[kind] !== undefined);
    if (kinds.length === 0) return addIssue({ message: `expected ${readyChoice}, got none of them` });
    if (kinds.length > 1) {
      return addIssue({ message: `expected only ${readyChoice}, got ${kinds.join(" and ")}`, path: fieldIssue(ready, kinds[1]!) });
    }
    for (const [option, kind] of Object.entries(CHECK_OPTIONS)) {
      if (ready[option as keyof typeof CHECK_OPTIONS] !== undefined && kinds[0] !== kind) {
        addIssue({ message: `applies to ${kind === "http" ? "an" : "a"} ${kind} probe only`, path: fieldIssue(ready, option) });
      }
    }
  }),
  v.transform((ready): ProbeSpec => ({
    check: probeCheck(ready),
    intervalMs: ready.interval,
    attemptTimeoutMs: ready.attempt_timeout,
    timeoutMs: ready.timeout,
  })),
);

/** A table, or "port": ready when the process's own PORT takes connections. */
const Ready = v.union(
  [
    v.pipe(
      v.literal("port"),
      v.transform((): ProbeSpec => ({ check: { kind: "port", host: DEFAULT_PROBE_HOST, port: OWN_PORT }, ...PROBE_DEFAULTS })),
    ),
    ReadyTableOnly,
  ],
  expected(`"port" or a table with ${readyChoice}`),
);

function probeCheck(ready: { http?: string; port?: number; log?: string; cmd?: string; status?: number[]; host?: string }): ProbeCheck {
  if (ready.http !== undefined) return { kind: "http", url: ready.http, statuses: ready.status ?? null };
  if (ready.port !== undefined) return { kind: "port", host: ready.host ?? DEFAULT_PROBE_HOST, port: ready.port };
  if (ready.log !== undefined) return { kind: "log", pattern: ready.log };
  return { kind: "cmd", command: ready.cmd! };
}

const dependencyChoice = `one of ${["started", "ready", "completed"].map(quote).join(", ")}`;

const DependsOn = v.pipe(
  v.union(
    [
      v.pipe(
        v.array(ProcessName),
        v.rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const names = dataset.value;
          const twice = names.findIndex((name, i) => names.indexOf(name) !== i);
          if (twice >= 0) {
            addIssue({ message: `${quote(names[twice]!)} is listed twice`, path: [{ type: "array", origin: "value", input: names, key: twice, value: names[twice] }] });
          }
        }),
        v.metadata({ uniqueItems: true }),
      ),
      recordOf(ProcessName, DependencyCondition),
    ],
    expected(`an array of process names or a table of name = ${dependencyChoice}`),
  ),
  v.description(
    "Processes that must get somewhere before this one starts. A list waits for each to be ready; a table names what to wait for: started (it runs), ready (its probe passed, or it runs if it has none) or completed (it exited with code 0).",
  ),
  v.examples([["db"], { db: "ready", migrate: "completed", cache: "started" }]),
  v.transform((deps) => (Array.isArray(deps) ? Object.fromEntries(deps.map((name) => [name, "ready" as const])) : deps)),
);

const StopSignal = v.pipe(
  oneOf([...SIGNAL_NAMES, ...SIGNAL_NAMES.map((s) => s.slice(3))], { listed: SIGNAL_NAMES, note: ' (the "SIG" prefix is optional)' }),
  v.transform((name) => normaliseSignal(name)!),
);

const SANDBOX_OPTIONS = ["permission_mode", "allow_net"] as const;

export const PROCESS_FIELDS = [
  "command", "cwd", "env", "port", "restart", "backoff", "min_uptime", "max_rapid_failures", "park_exit_codes",
  "stop_signal", "stop_grace", "tty", "log", "ready", "depends_on", "sandbox", "permission_mode", "allow_net",
] as const;

export const ProcessTable = v.pipe(
  table(
    {
      command: Command,
      cwd: field(nonEmptyString("a directory"), "Working directory, relative to the config file's directory."),
      env: v.optional(EnvTable),
      port: field(Port, "The process's PORT, instead of the one tend hands out (5000, 5100, … in file order)."),
      restart: fieldOr(RestartMode, DEFAULTS.restart.mode, "When to restart the process after it exits."),
      backoff: v.optional(BackoffTable),
      min_uptime: fieldOr(
        Duration,
        formatDuration(DEFAULTS.restart.minUptimeMs),
        "A run shorter than this is a rapid failure; a longer one resets the failure count and backoff.",
      ),
      max_rapid_failures: fieldOr(
        wholeNumber(1),
        DEFAULTS.restart.maxRapidFailures,
        "Rapid failures in a row after which the process is parked (no longer restarted).",
      ),
      park_exit_codes: fieldOr(
        v.array(ExitCode, expected("an array of exit codes")),
        [...DEFAULTS.restart.parkExitCodes],
        "Exit codes that park the process at once (78 is EX_CONFIG).",
      ),
      stop_signal: fieldOr(StopSignal, DEFAULTS.stopSignal, "Sent to the process group to stop it; SIGKILL follows after stop_grace."),
      stop_grace: fieldOr(Duration, formatDuration(DEFAULTS.graceMs), "How long to wait after the stop signal before SIGKILL."),
      tty: fieldOr(boolean, DEFAULTS.tty, "Run the process on a pseudo-terminal."),
      log: v.optional(LogTable, {}),
      ready: v.optional(Ready),
      depends_on: v.optional(DependsOn),
      sandbox: fieldOr(boolean, false, "Run the process confined with bubblewrap (Linux): read-only filesystem, private /tmp, no network."),
      permission_mode: field(
        PermissionMode,
        `With sandbox = true: read-only, workspace-write (its working directory is writable) or full (not confined). Default with sandbox = true: ${DEFAULT_PERMISSION_MODE}.`,
      ),
      allow_net: field(boolean, "With sandbox = true: keep the network. Default: false."),
    } satisfies Record<(typeof PROCESS_FIELDS)[number], unknown>,
    { what: "a table of fields", missing: "missing; expected a string (run with sh -c) or an array of strings (argv)" },
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (dataset.typed && dataset.value.port !== undefined && dataset.value.env?.PORT !== undefined) {
      addIssue({ message: "give port or env.PORT, not both", path: fieldIssue(dataset.value, "port") });
    }
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed || dataset.value.sandbox) return;
    for (const option of SANDBOX_OPTIONS) {
      if (dataset.value[option] !== undefined) addIssue({ message: "applies only with sandbox = true", path: fieldIssue(dataset.value, option) });
    }
  }),
  v.transform((p): Omit<ProcessSpec, "name"> => {
    const shell = typeof p.command === "string";
    const dependsOn = p.depends_on ?? {};
    return {
      command: typeof p.command === "string" ? ["sh", "-c", p.command] : [...p.command],
      shell,
      ...(p.cwd === undefined ? {} : { cwd: p.cwd }),
      env: p.port === undefined ? (p.env ?? {}) : { ...p.env, PORT: String(p.port) },
      restart: {
        mode: p.restart,
        initialBackoffMs: p.backoff?.initial ?? DEFAULTS.restart.initialBackoffMs,
        backoffFactor: p.backoff?.factor ?? DEFAULTS.restart.backoffFactor,
        maxBackoffMs: p.backoff?.max ?? DEFAULTS.restart.maxBackoffMs,
        minUptimeMs: p.min_uptime,
        maxRapidFailures: p.max_rapid_failures,
        parkExitCodes: p.park_exit_codes,
      },
      stopSignal: p.stop_signal,
      graceMs: p.stop_grace,
      tty: p.tty,
      log: { maxBytes: p.log.max_size, maxFiles: p.log.max_files },
      origin: "worker",
      ...(p.ready === undefined ? {} : { ready: p.ready }),
      ...(Object.keys(dependsOn).length === 0 ? {} : { dependsOn }),
      ...(p.sandbox ? { sandbox: { mode: p.permission_mode ?? DEFAULT_PERMISSION_MODE, allowNet: p.allow_net ?? false } } : {}),
    };
  }),
);

export const TOP_LEVEL_FIELDS = ["$schema", "project", "processes"] as const;

export interface ParsedConfig {
  /** As the file names it; the caller defaults it to the name of the config's folder. */
  project?: string;
  specs: ProcessSpec[];
}

/** The whole file; `example` shows, in the file's own format, what a process entry looks like. */
export function configFileSchema(example: string) {
  return v.pipe(
    table(
      {
        $schema: field(v.string(expected("a string")), "The schema this file follows, for editors."),
        project: field(ProcessName, "The project these processes belong to. Default: the name of the config's folder."),
        processes: v.pipe(
          recordOf(ProcessName, ProcessTable, expected("a table with one entry per process")),
          v.minEntries(1, `no processes defined; expected at least one entry under "processes", e.g. ${example}`),
          v.description("One entry per process, keyed by its name."),
        ),
      } satisfies Record<(typeof TOP_LEVEL_FIELDS)[number], unknown>,
      {
        what: 'a table with a "processes" key at the top',
        missing: `no "processes" table; expected one entry per process, e.g. ${example}`,
        known: "top-level keys",
      },
    ),
    v.title("tend configuration"),
    v.description("The processes tend supervises: tend.toml, tend.yaml or tend.json. Every field but command is optional."),
    v.transform((file): ParsedConfig => ({
      ...(file.project === undefined ? {} : { project: file.project }),
      specs: Object.entries(file.processes).map(([name, spec]): ProcessSpec => ({ name, ...spec })),
    })),
  );
}
