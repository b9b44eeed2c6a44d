import * as v from "valibot";
import { DurationError, SizeError, parseDuration, parseSize } from "./duration";
import { fullNameProblem, NAME_PATTERN, nameProblem } from "./names";
import { httpUrlProblem, patternProblem } from "./probe-spec";
import { SIGNAL_NAMES } from "./process-spec";
import { PERMISSION_MODES } from "./sandbox-settings";

/**
 * The rules for single values, shared by the config file, the command line's flags and the
 * control API, so one value is judged the same way wherever it is given. Every message is a
 * detail that reads after a location: `expected …, got …`.
 */

export const MAX_PORT = 65535;
export const MAX_EXIT_CODE = 255;
export const RESTART_MODES = ["always", "on-failure", "no"] as const;
export const DEPENDENCY_CONDITIONS = ["started", "ready", "completed"] as const;

export function quote(text: string): string {
  return JSON.stringify(text);
}

/** A value as a message shows it after "got". */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") return quote(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty array" : "an array";
  if (typeof value === "object") return "a table";
  return String(value);
}

/** A message function that names what was expected and shows what came. */
export const expected = (what: string) => (issue: v.BaseIssue<unknown>) => `expected ${what}, got ${describe(issue.input)}`;

/** One of `options`; the message lists `listed` (by default all of them) and adds `note`. */
export function oneOf<const T extends readonly string[]>(options: T, { listed = options as readonly string[], note = "" } = {}) {
  return v.picklist(options, expected(`one of ${listed.map(quote).join(", ")}${note}`));
}

export function wholeNumber(min: number, max?: number) {
  const message = expected(`a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`);
  const bounded = v.pipe(v.number(message), v.integer(message), v.minValue(min, message));
  return max === undefined ? bounded : v.pipe(bounded, v.maxValue(max, message));
}

export function nonEmptyString(what: string) {
  const message = expected(`${what} as a non-empty string`);
  return v.pipe(v.string(message), v.minLength(1, message));
}

export const boolean = v.boolean(expected("true or false"));

/**
 * Valibot takes an array where it expects an object (arrays are objects to JavaScript); in a
 * config file or a request body a list is never meant as a table, so it gets the table's own
 * type error instead.
 */
export function tableOnly<S extends v.GenericSchema>(schema: S): S {
  const message = (schema as { message?: v.ErrorMessage<v.BaseIssue<unknown>> }).message;
  return {
    ...schema,
    "~run"(dataset: v.UnknownDataset, config: v.Config<v.BaseIssue<unknown>>) {
      if (!Array.isArray(dataset.value)) return schema["~run"](dataset, config);
      const plain: v.BaseIssue<unknown> = {
        kind: "schema",
        type: schema.type,
        input: dataset.value,
        expected: schema.expects,
        received: "Array",
        message: "Invalid type",
      };
      const text = typeof message === "function" ? message(plain) : (message ?? plain.message);
      const issue = { ...plain, message: text };
      return { typed: false, value: dataset.value, issues: [issue] };
    },
  } as S;
}

/** Names of processes, as names.ts has them; the message says which part of the rule failed. */
export const ProcessName = v.pipe(
  v.string(expected("a process name as a non-empty string")),
  v.regex(NAME_PATTERN, (issue) => nameProblem(issue.input as string) ?? "invalid name"),
);

/** A full name, `name` or `project/name`, as the API and the records know processes. */
export const FullProcessName = v.pipe(
  v.string(expected("a process name as a non-empty string")),
  v.check((input) => fullNameProblem(input) === null, (issue) => fullNameProblem(issue.input as string) ?? "invalid name"),
);

export const Port = wholeNumber(1, MAX_PORT);
export const ExitCode = wholeNumber(0, MAX_EXIT_CODE);
export const HttpStatus = wholeNumber(100, 599);
export const RestartMode = oneOf(RESTART_MODES);
export const DependencyCondition = oneOf(DEPENDENCY_CONDITIONS);
export const PermissionMode = oneOf(PERMISSION_MODES);
export const SignalName = oneOf(SIGNAL_NAMES);

/** A shell command line: something other than spaces. */
export const ShellCommand = v.pipe(
  v.string(expected("a command (run with sh -c) as a non-empty string")),
  v.regex(/\S/, expected("a command (run with sh -c) as a non-empty string")),
);

/** A check whose failure is explained by a `problem` function (null: fine). */
function explained<T>(problem: (value: T) => string | null) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    // One complaint per value: an earlier rule of the same pipe has already said what is wrong.
    if (!dataset.typed || dataset.issues) return;
    const why = problem(dataset.value);
    if (why !== null) addIssue({ message: `${why}, got ${describe(dataset.value)}` });
  });
}

export const HttpUrl = v.pipe(
  nonEmptyString("a URL"),
  v.regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\//, (issue) => `${httpUrlProblem(issue.input as string) ?? "expected an http:// or https:// URL"}, got ${describe(issue.input)}`),
  explained(httpUrlProblem),
);

export const LogPattern = v.pipe(nonEmptyString("a regular expression"), explained(patternProblem));

/**
 * Text (or a number) read by `parse`, whose error becomes the message, then held to `least`:
 * the message shows what was written, not what it was read as.
 */
function readWith<T extends string | number>(parse: (input: string | number) => number, least: { min: number; max?: number; what: string }) {
  return v.rawTransform<T, number>(({ dataset, addIssue, NEVER }) => {
    let read: number;
    try {
      read = parse(dataset.value);
    } catch (error) {
      if (!(error instanceof DurationError || error instanceof SizeError)) throw error;
      addIssue({ message: error.message });
      return NEVER;
    }
    if (read >= least.min && read <= (least.max ?? Infinity)) return read;
    addIssue({ message: `expected ${least.what}, got ${describe(dataset.value)}` });
    return NEVER;
  });
}

// The JSON Schema's pattern; the parser has the last word (it also refuses "30s1m").
const DURATION_TEXT = /^\s*(?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+\s*$/;
const SIZE_TEXT = /^\s*\d+(?:\.\d+)?\s*(?:[KkMmGgTt][Ii]?[Bb]?|[Bb])?\s*$/;

function duration(least: { min: number; what: string }, zero: string) {
  return v.pipe(
    v.union([v.string(), v.literal(0)], (issue) => {
      const value = issue.input;
      // Read as milliseconds, `stop_grace = 30` would be 30 ms where most people mean 30 s.
      if (typeof value === "number" && Number.isFinite(value) && value > 0) {
        return `expected a duration with a unit, such as "${value}s" or "${value}ms", got ${value}`;
      }
      if (typeof value === "number") return new DurationError(value).message;
      return `expected a duration such as "500ms" or "10s", got ${describe(value)}`;
    }),
    v.description(`A duration with units, largest first ("500ms", "2s", "1m30s", "1h"). ${zero}`),
    v.metadata({ pattern: DURATION_TEXT.source, examples: ["500ms", "2s", "1m30s", "1h"] }),
    readWith<string | 0>(parseDuration, least),
  );
}

/** A duration as a person writes it ("1m30s", or a bare 0), in milliseconds. */
export const Duration = duration(
  { min: 0, what: "a duration" },
  'A bare number must be 0: 30 could mean seconds or milliseconds, so write "30s" or "30ms".',
);
/** A probe's timings: 0 would mean never waiting, or never giving up. */
export const PositiveDuration = duration({ min: 1, what: "a duration longer than 0" }, "Longer than 0.");

/**
 * How large a log grows before it rotates, and how many files it keeps. Bounded so that no
 * setting makes rotation itself the load: below 1 KiB every few lines rotate, and each
 * rotation renames every file kept.
 */
export const LOG_BYTES = { min: 1024, max: 1024 ** 4 } as const;
export const LOG_FILES = { min: 1, max: 100 } as const;

/** A log's size in bytes, from "10MiB" or a number. */
export const Size = v.pipe(
  v.union([v.string(), v.number()], expected('a size such as "10MiB"')),
  v.description(
    "A size in bytes, or with a unit: KiB/MiB/GiB (and bare K/M/G) are powers of 1024, KB/MB/GB powers of 1000. From 1KiB to 1TiB.",
  ),
  v.metadata({ pattern: SIZE_TEXT.source, minimum: LOG_BYTES.min, maximum: LOG_BYTES.max, examples: ["512KiB", "10MiB", "1GiB", 1048576] }),
  readWith<string | number>(parseSize, { ...LOG_BYTES, what: "a size from 1KiB to 1TiB" }),
);

export const LogFiles = wholeNumber(LOG_FILES.min, LOG_FILES.max);

/** An environment variable's name as the system takes it: anything but "=" and NUL. */
export const EnvName = v.pipe(
  v.string(),
  v.regex(/^[^=\u0000]+$/, (issue) => `expected variable names without "=", got ${describe(issue.input)}`),
);

/** No NUL character: the system's strings end there. */
export const withoutNul = (what: string) => v.regex(/^[^\u0000]*$/, `expected ${what} without NUL characters`);

export const EnvValue = v.pipe(v.string(expected("a string")), withoutNul("a value"));

/** What `issue` says, prefixed with where: `processes[0].restart.mode: expected …`. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let out = "";
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
