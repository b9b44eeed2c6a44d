import * as v from "valibot";
import { splitName } from "./names";
import { TendError } from "./errors";
import type { ProbeCheck, ProbeSpec } from "./probe-spec";
import type { ProcessSpec } from "./process-spec";
import {
  DependencyCondition,
  EnvName,
  EnvValue,
  withoutNul,
  ExitCode,
  HttpStatus,
  HttpUrl,
  LOG_BYTES,
  LogFiles,
  LogPattern,
  PermissionMode,
  Port,
  FullProcessName,
  ProcessName,
  RestartMode,
  ShellCommand,
  SignalName,
  boolean,
  describe,
  expected,
  issuePath,
  nonEmptyString,
  oneOf,
  tableOnly,
  wholeNumber,
} from "./value-schemas";

/**
 * The body of `POST /v1/processes`: specs as the supervisor runs them (argv, milliseconds,
 * full signal names), checked with the same value rules as the config file and the flags.
 */

/** A spec as a client sends it: the name may be left to the supervisor to derive. */
export type NewProcessSpec = Omit<ProcessSpec, "name"> & { name?: string };

export interface CreateRequest {
  processes: NewProcessSpec[];
  replace: boolean;
}

function object<E extends v.ObjectEntries>(entries: E, what: string) {
  const known = Object.keys(entries).join(", ");
  return tableOnly(
    v.strictObject(entries, (issue) => {
      if (issue.expected === "never") return `unknown field; known fields are ${known}`;
      if (issue.input === undefined) return "missing";
      return `expected ${what}, got ${describe(issue.input)}`;
    }),
  );
}

const Milliseconds = wholeNumber(0);
const PositiveMilliseconds = wholeNumber(1);

const Argv = v.pipe(
  v.array(v.string(expected("a string")), expected("the argv as an array of strings")),
  v.minLength(1, "expected the argv as an array of strings, got an empty array"),
  v.check((argv) => argv[0] !== "", 'expected the program to run first, got ""'),
);

const Check = v.variant(
  "kind",
  [
    object({ kind: v.literal("http"), url: HttpUrl, statuses: v.nullable(v.array(HttpStatus, expected("an array of HTTP status codes or null"))) }, "an http check"),
    object({ kind: v.literal("port"), host: nonEmptyString("a host name or address"), port: Port }, "a port check"),
    object({ kind: v.literal("log"), pattern: LogPattern }, "a log check"),
    object({ kind: v.literal("cmd"), command: ShellCommand }, "a cmd check"),
  ],
  (issue) =>
    issue.input === undefined || typeof issue.input === "string"
      ? `expected kind to be one of "http", "port", "log", "cmd", got ${describe(issue.input)}`
      : `expected a check with a kind, got ${describe(issue.input)}`,
) satisfies v.GenericSchema<unknown, ProbeCheck>;

const Probe = object(
  { check: Check, intervalMs: PositiveMilliseconds, attemptTimeoutMs: PositiveMilliseconds, timeoutMs: PositiveMilliseconds },
  "a probe",
) satisfies v.GenericSchema<unknown, ProbeSpec>;

export const Spec = object(
  {
    name: v.optional(FullProcessName),
    project: v.optional(object({ name: ProcessName, dir: nonEmptyString("the project's folder") }, "the project")),
    command: Argv,
    shell: boolean,
    cwd: v.optional(v.pipe(nonEmptyString("a directory"), withoutNul("a directory"))),
    env: tableOnly(
      v.record(
        EnvName,
        EnvValue,
        expected("a table of NAME: value"),
      ),
    ),
    restart: object(
      {
        mode: RestartMode,
        initialBackoffMs: Milliseconds,
        backoffFactor: v.pipe(v.number(expected("a number of at least 1")), v.finite(), v.minValue(1, expected("a number of at least 1"))),
        maxBackoffMs: Milliseconds,
        minUptimeMs: Milliseconds,
        maxRapidFailures: wholeNumber(1),
        parkExitCodes: v.array(ExitCode, expected("an array of exit codes")),
      },
      "the restart settings",
    ),
    stopSignal: SignalName,
    graceMs: Milliseconds,
    tty: boolean,
    sandbox: v.optional(object({ mode: PermissionMode, allowNet: boolean }, "the sandbox settings")),
    log: object({ maxBytes: wholeNumber(LOG_BYTES.min, LOG_BYTES.max), maxFiles: LogFiles }, "the log settings"),
    origin: oneOf(["worker", "session"]),
    ready: v.optional(Probe),
    dependsOn: v.optional(tableOnly(v.record(FullProcessName, DependencyCondition, expected("a table of name: condition")))),
    source: v.optional(object({ file: nonEmptyString("a file path"), line: v.nullable(wholeNumber(1)) }, "the config file and line")),
  },
  "a process spec",
) satisfies v.GenericSchema<unknown, NewProcessSpec>;

const Body = object(
  {
    processes: v.array(Spec, expected("an array of process specs")),
    replace: v.optional(v.boolean(expected("true or false")), false),
  },
  'a JSON object { "processes": [...], "replace": false }',
);

/** The body, parsed; or a `bad_request` error whose one line names the field at fault. */
export function parseCreateBody(body: unknown): CreateRequest | TendError {
  const result = v.safeParse(Body, body);
  if (result.success) {
    // A name says its project; the two must agree, or records and routes would disagree on it.
    const i = result.output.processes.findIndex((p) => p.name !== undefined && splitName(p.name).project !== (p.project?.name ?? null));
    if (i === -1) return result.output;
    const p = result.output.processes[i]!;
    const want = p.project ? `"${p.project.name}/…", as its project is ${p.project.name}` : "a name without a project, as it has none";
    return new TendError(`processes[${i}].name: expected ${want}, got "${p.name}"`, "bad_request");
  }
  const issue = result.issues[0];
  const where = issuePath(issue);
  return new TendError(where === "" ? issue.message : `${where}: ${issue.message}`, "bad_request");
}
