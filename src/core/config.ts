import { findCycle } from "./dependencies";
import { DurationError, SizeError, formatDuration, parseDuration, parseSize } from "./duration";
import { TendError } from "./errors";
import { nameProblem } from "./names";
import { DEFAULT_PERMISSION_MODE, PERMISSION_MODES, type SandboxSettings } from "./sandbox-settings";
import {
  DEFAULT_PROBE_HOST,
  type DependencyCondition,
  PROBE_DEFAULTS,
  type ProbeCheck,
  type ProbeSpec,
  httpUrlProblem,
  patternProblem,
} from "./probe-spec";
import { type ProcessSpec, SIGNAL_NAMES, defaultsFor, normaliseSignal } from "./process-spec";
import type { RestartMode } from "./restart-policy";

export type ConfigFormat = "toml" | "yaml" | "json" | "procfile";

/** Search order when no file is named. */
export const CONFIG_FILE_NAMES: readonly string[] = Object.freeze([
  "tend.toml",
  "tend.yaml",
  "tend.yml",
  "tend.json",
  "Procfile",
]);

// The accepted keys, exported so the JSON Schema test can hold the schema to exactly these.
export const TOP_LEVEL_FIELDS: readonly string[] = Object.freeze(["$schema", "processes"]);
export const PROCESS_FIELDS: readonly string[] = Object.freeze([
  "command",
  "cwd",
  "env",
  "restart",
  "backoff",
  "min_uptime",
  "max_rapid_failures",
  "park_exit_codes",
  "stop_signal",
  "stop_grace",
  "tty",
  "log",
  "ready",
  "depends_on",
  "sandbox",
  "permission_mode",
  "allow_net",
]);
export const BACKOFF_FIELDS: readonly string[] = Object.freeze(["initial", "max", "factor"]);
export const LOG_FIELDS: readonly string[] = Object.freeze(["max_size", "max_files"]);
export const READY_CHECKS: readonly ProbeCheck["kind"][] = Object.freeze(["http", "port", "log", "cmd"]);
export const READY_FIELDS: readonly string[] = Object.freeze([
  ...READY_CHECKS,
  "status",
  "host",
  "interval",
  "attempt_timeout",
  "timeout",
]);
export const RESTART_MODES: readonly RestartMode[] = Object.freeze(["always", "on-failure", "no"]);
export const DEPENDENCY_CONDITIONS: readonly DependencyCondition[] = Object.freeze(["started", "ready", "completed"]);
export const MAX_PORT = 65535;
export const MAX_EXIT_CODE = 255;

export interface ConfigErrorContext {
  file: string;
  line?: number;
  process?: string;
  field?: string;
}

/**
 * One line, most general part first, so it reads like a compiler diagnostic:
 * `tend.toml:12: process "web": field "restart": expected …, got …`.
 */
export class ConfigError extends TendError {
  readonly file: string;
  readonly line?: number;
  readonly process?: string;
  readonly field?: string;
  /** The message without the location prefixes. */
  readonly detail: string;

  constructor(detail: string, context: ConfigErrorContext) {
    super(formatConfigMessage(detail, context), "config", undefined, 2);
    this.name = "ConfigError";
    this.file = context.file;
    this.detail = detail;
    if (context.line !== undefined) this.line = context.line;
    if (context.process !== undefined) this.process = context.process;
    if (context.field !== undefined) this.field = context.field;
  }
}

function formatConfigMessage(detail: string, c: ConfigErrorContext): string {
  let out = c.line === undefined ? c.file : `${c.file}:${c.line}`;
  if (c.process !== undefined) out += `: process ${JSON.stringify(c.process)}`;
  if (c.field !== undefined) out += `: field ${JSON.stringify(c.field)}`;
  return `${out}: ${detail}`;
}

export function formatForFile(fileName: string): ConfigFormat {
  const base = fileName.slice(Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\")) + 1);
  const lower = base.toLowerCase();
  if (lower.endsWith(".toml")) return "toml";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  if (lower.endsWith(".json")) return "json";
  // Procfile.dev, Procfile.test … are a common convention for variants.
  if (lower === "procfile" || lower.startsWith("procfile.") || lower.endsWith(".procfile")) return "procfile";
  throw new ConfigError(
    "unknown config format; expected a .toml, .yaml, .yml or .json file, or a Procfile",
    { file: fileName },
  );
}

export function parseConfig(text: string, format: ConfigFormat, file: string): ProcessSpec[] {
  // An editor's byte-order mark is invisible to the user, so never make it their error.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (format === "procfile") return parseProcfile(source, file);
  const root = parseDocument(source, format, file);
  return new TreeReader(source, format, file).read(root);
}

// ---------------------------------------------------------------------------
// Procfile

function parseProcfile(text: string, file: string): ProcessSpec[] {
  const specs: ProcessSpec[] = [];
  const seenOnLine = new Map<string, number>();
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const content = lines[i]!.trim();
    if (content === "" || content.startsWith("#")) continue;
    // Only the first colon separates: commands are full of them (URLs, host:port).
    const colon = content.indexOf(":");
    const name = colon < 0 ? "" : content.slice(0, colon).trim();
    if (name === "") {
      throw new ConfigError(`expected "name: command", got ${quote(content)}`, { file, line });
    }
    const problem = nameProblem(name);
    if (problem !== null) throw new ConfigError(problem, { file, line, process: name });
    const command = content.slice(colon + 1).trim();
    if (command === "") {
      throw new ConfigError('missing; expected a command after "name:"', {
        file,
        line,
        process: name,
        field: "command",
      });
    }
    const first = seenOnLine.get(name);
    if (first !== undefined) {
      throw new ConfigError(`defined twice (first on line ${first})`, { file, line, process: name });
    }
    seenOnLine.set(name, line);
    specs.push({ name, command: ["sh", "-c", command], shell: true, ...defaultsFor("worker") });
  }
  if (specs.length === 0) {
    throw new ConfigError('no processes defined; expected lines of the form "name: command"', { file });
  }
  return specs;
}

// ---------------------------------------------------------------------------
// TOML, YAML, JSON

type TreeFormat = Exclude<ConfigFormat, "procfile">;

const FORMAT_LABEL: Record<TreeFormat, string> = {
  toml: "TOML",
  yaml: "YAML",
  json: "JSON",
};

const EXAMPLE: Record<TreeFormat, string> = {
  toml: '[processes.web] followed by command = "bun server.ts"',
  yaml: "processes: {web: {command: bun server.ts}}",
  json: '{"processes": {"web": {"command": "bun server.ts"}}}',
};

function parseOnly(text: string, format: TreeFormat): unknown {
  if (format === "toml") return Bun.TOML.parse(text);
  if (format === "yaml") return Bun.YAML.parse(text);
  return JSON.parse(text);
}

function parseDocument(text: string, format: TreeFormat, file: string): unknown {
  try {
    return parseOnly(text, format);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    // Bun's messages start with "TOML Parse error: " and the like; we say the format ourselves.
    const reason = raw.replace(/^\w+ Parse error:\s*/, "");
    const detail = `invalid ${FORMAT_LABEL[format]}: ${lowerFirst(reason)}`;
    const line = syntaxErrorLine(text, format);
    throw new ConfigError(detail, line === undefined ? { file } : { file, line });
  }
}

/**
 * Bun's TOML, YAML and JSON parsers report no position in the document (their
 * SyntaxError's `line`/`column` are those of the JavaScript caller), so the
 * line is recovered here, best effort.
 */
function syntaxErrorLine(text: string, format: TreeFormat): number | undefined {
  if (format === "json") {
    try {
      return scanJson(text).errorLine;
    } catch {
      return undefined;
    }
  }
  const lines = splitLines(text);
  // Re-parsing every prefix is quadratic; beyond this a missing line number is the lesser evil.
  if (lines.length > 5000) return undefined;
  // The error is on the line after the longest prefix that still parses: any
  // later line that still fails cannot have been rescued by what follows.
  for (let k = lines.length - 1; k >= 0; k--) {
    try {
      parseOnly(lines.slice(0, k).join("\n") + "\n", format);
      return k + 1;
    } catch {
      // keep shortening
    }
  }
  return undefined;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function has(table: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(table, key);
}

class TreeReader {
  private entries?: KeyEntry[];

  constructor(
    private readonly text: string,
    private readonly format: TreeFormat,
    private readonly file: string,
  ) {}

  read(root: unknown): ProcessSpec[] {
    if (root === null || root === undefined) {
      this.fail(`the file is empty; expected a "processes" table, e.g. ${EXAMPLE[this.format]}`);
    }
    if (!isTable(root)) {
      this.fail(`expected a table with a "processes" key at the top, got ${describe(root)}`);
    }
    // TOML cannot repeat a key, but YAML and JSON parsers silently keep the last one.
    if (this.format !== "toml") this.rejectDuplicates();

    for (const key of Object.keys(root)) {
      if (!TOP_LEVEL_FIELDS.includes(key)) {
        this.fail(unknownKey(key, TOP_LEVEL_FIELDS, "top-level keys"), [key], { field: key });
      }
    }
    if (has(root, "$schema") && typeof root.$schema !== "string") {
      this.fail(`expected a string, got ${describe(root.$schema)}`, ["$schema"], { field: "$schema" });
    }
    if (!has(root, "processes") || root.processes === null) {
      this.fail(`no "processes" table; expected one entry per process, e.g. ${EXAMPLE[this.format]}`);
    }
    const processes = root.processes;
    if (!isTable(processes)) {
      this.fail(`expected a table with one entry per process, got ${describe(processes)}`, ["processes"], {
        field: "processes",
      });
    }
    const names = Object.keys(processes);
    if (names.length === 0) {
      this.fail(
        `no processes defined; expected at least one entry under "processes", e.g. ${EXAMPLE[this.format]}`,
        ["processes"],
      );
    }
    const specs = names.map((name) => this.readProcess(name, processes[name]));
    this.checkDependencies(specs);
    return specs;
  }

  private checkDependencies(specs: ProcessSpec[]): void {
    const names = specs.map((s) => s.name);
    const graph = new Map<string, string[]>();
    for (const spec of specs) {
      const deps = Object.keys(spec.dependsOn ?? {});
      const p = new FieldReader(this, spec.name);
      for (const dep of deps) {
        if (dep === spec.name) p.fail(["depends_on"], "a process cannot depend on itself");
        if (!names.includes(dep)) {
          const guess = closest(dep, names);
          const hint = guess === undefined ? "" : ` (did you mean ${quote(guess)}?)`;
          p.fail(["depends_on"], `no process named ${quote(dep)}${hint}`);
        }
      }
      graph.set(spec.name, deps);
    }
    const cycle = findCycle(graph);
    if (cycle !== null) {
      new FieldReader(this, cycle[0]!).fail(["depends_on"], `dependency cycle: ${cycle.join(" -> ")}`);
    }
  }

  private readProcess(name: string, raw: unknown): ProcessSpec {
    const p: FieldReader = new FieldReader(this, name);
    const problem = nameProblem(name);
    if (problem !== null) p.fail([], problem);
    if (!isTable(raw)) p.fail([], `expected a table of fields, got ${describe(raw)}`);

    for (const key of Object.keys(raw)) {
      if (!PROCESS_FIELDS.includes(key)) p.fail([key], unknownKey(key, PROCESS_FIELDS, "fields"));
    }

    const defaults = defaultsFor("worker");
    const { command, shell } = p.command(raw);
    const cwd = has(raw, "cwd") ? p.nonEmptyString(["cwd"], raw.cwd, "a directory") : undefined;
    const env = has(raw, "env") ? p.env(raw.env) : defaults.env;
    const restart = defaults.restart;
    if (has(raw, "restart")) restart.mode = p.oneOf(["restart"], raw.restart, RESTART_MODES);
    if (has(raw, "backoff")) p.backoff(raw.backoff, restart);
    if (has(raw, "min_uptime")) restart.minUptimeMs = p.duration(["min_uptime"], raw.min_uptime);
    if (has(raw, "max_rapid_failures")) {
      restart.maxRapidFailures = p.integer(["max_rapid_failures"], raw.max_rapid_failures, 1);
    }
    if (has(raw, "park_exit_codes")) restart.parkExitCodes = p.exitCodes(raw.park_exit_codes);
    const stopSignal = has(raw, "stop_signal") ? p.signal(raw.stop_signal) : defaults.stopSignal;
    const graceMs = has(raw, "stop_grace") ? p.duration(["stop_grace"], raw.stop_grace) : defaults.graceMs;
    const tty = has(raw, "tty") ? p.boolean(["tty"], raw.tty) : defaults.tty;
    const log = defaults.log;
    if (has(raw, "log")) p.log(raw.log, log);
    const ready = has(raw, "ready") ? p.ready(raw.ready) : undefined;
    const dependsOn = has(raw, "depends_on") ? p.dependsOn(raw.depends_on) : {};
    const sandbox = p.sandbox(raw);
    return {
      name,
      command,
      shell,
      ...(cwd === undefined ? {} : { cwd }),
      env,
      restart,
      stopSignal,
      graceMs,
      tty,
      log,
      origin: defaults.origin,
      ...(ready === undefined ? {} : { ready }),
      ...(Object.keys(dependsOn).length === 0 ? {} : { dependsOn }),
      ...(sandbox === undefined ? {} : { sandbox }),
    };
  }

  private rejectDuplicates(): void {
    const seen = new Map<string, number>();
    for (const entry of this.keyEntries()) {
      if (entry.path.includes(SEQUENCE)) continue;
      const key = entry.path.join("\u0000");
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, entry.line);
        continue;
      }
      const [top, name, ...field] = entry.path;
      const context: ConfigErrorContext = { file: this.file, line: entry.line };
      if (top === "processes" && name !== undefined) {
        context.process = name;
        if (field.length > 0) context.field = field.join(".");
        const what = field.length > 0 ? "given" : "defined";
        throw new ConfigError(`${what} twice (first on line ${first})`, context);
      }
      throw new ConfigError(`key ${quote(entry.path.join("."))} given twice (first on line ${first})`, context);
    }
  }

  keyEntries(): KeyEntry[] {
    this.entries ??= keyEntries(this.text, this.format);
    return this.entries;
  }

  /** `path` is where in the tree the problem is, for the line number. */
  fail(detail: string, path: string[] = [], context: Omit<ConfigErrorContext, "file" | "line"> = {}): never {
    const line = path.length > 0 ? locate(this.keyEntries(), path) : undefined;
    throw new ConfigError(detail, { file: this.file, ...(line === undefined ? {} : { line }), ...context });
  }
}

/** Numbers are indexes into arrays: ["command", 1] is shown as command[1]. */
type FieldPath = (string | number)[];

/** Reads the fields of one process; every failure names the process and the field. */
class FieldReader {
  constructor(
    private readonly tree: TreeReader,
    private readonly name: string,
  ) {}

  fail(field: FieldPath, detail: string): never {
    const path = ["processes", this.name, ...field.filter((f): f is string => typeof f === "string")];
    const context = field.length > 0 ? { process: this.name, field: fieldLabel(field) } : { process: this.name };
    this.tree.fail(detail, path, context);
  }

  command(raw: Record<string, unknown>): { command: string[]; shell: boolean } {
    if (!has(raw, "command")) {
      this.fail(["command"], "missing; expected a string (run with sh -c) or an array of strings (argv)");
    }
    const value = raw.command;
    if (typeof value === "string") {
      if (value.trim() === "") this.fail(["command"], `expected a non-empty command, got ${describe(value)}`);
      return { command: ["sh", "-c", value], shell: true };
    }
    if (!Array.isArray(value)) {
      this.fail(["command"], `expected a string or an array of strings, got ${describe(value)}`);
    }
    if (value.length === 0) this.fail(["command"], "expected a non-empty array of strings, got an empty array");
    value.forEach((arg, i) => {
      if (typeof arg !== "string") this.fail(["command", i], `expected a string, got ${describe(arg)}`);
    });
    if (value[0] === "") this.fail(["command", 0], 'expected the program to run, got ""');
    return { command: [...(value as string[])], shell: false };
  }

  nonEmptyString(field: FieldPath, value: unknown, what: string): string {
    if (typeof value !== "string" || value === "") {
      this.fail(field, `expected ${what} as a non-empty string, got ${describe(value)}`);
    }
    return value;
  }

  env(value: unknown): Record<string, string> {
    if (!isTable(value)) this.fail(["env"], `expected a table of NAME = value, got ${describe(value)}`);
    const pairs: [string, string][] = [];
    for (const [key, raw] of Object.entries(value)) {
      if (key === "" || key.includes("=") || key.includes("\u0000")) {
        this.fail(["env"], `expected variable names without "=", got ${quote(key)}`);
      }
      let text: string;
      if (typeof raw === "string") text = raw;
      else if ((typeof raw === "number" && Number.isFinite(raw)) || typeof raw === "boolean") text = String(raw);
      else this.fail(["env", key], `expected a string, number or boolean, got ${describe(raw)}`);
      if (text.includes("\u0000")) this.fail(["env", key], "expected a value without NUL characters");
      pairs.push([key, text]);
    }
    // fromEntries defines own properties, so a key like "__proto__" stays an ordinary variable.
    return Object.fromEntries(pairs);
  }

  /** `sandbox = true` with an optional `permission_mode` and `allow_net`; those two alone mean nothing. */
  sandbox(raw: Record<string, unknown>): SandboxSettings | undefined {
    const on = has(raw, "sandbox") ? this.boolean(["sandbox"], raw.sandbox) : false;
    if (!on) {
      for (const field of ["permission_mode", "allow_net"]) {
        if (has(raw, field)) this.fail([field], 'applies only with sandbox = true');
      }
      return undefined;
    }
    const mode = has(raw, "permission_mode") ? this.oneOf(["permission_mode"], raw.permission_mode, PERMISSION_MODES) : DEFAULT_PERMISSION_MODE;
    const allowNet = has(raw, "allow_net") ? this.boolean(["allow_net"], raw.allow_net) : false;
    return { mode, allowNet };
  }

  oneOf<T extends string>(field: FieldPath, value: unknown, allowed: readonly T[]): T {
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    this.fail(field, `expected one of ${allowed.map(quote).join(", ")}, got ${describe(value)}`);
  }

  duration(field: FieldPath, value: unknown): number {
    if (typeof value !== "string" && typeof value !== "number") {
      this.fail(field, `expected a duration such as "500ms" or "10s", got ${describe(value)}`);
    }
    // Read as milliseconds, `stop_grace = 30` would be 30 ms where most people mean 30 s: no guessing.
    if (typeof value === "number" && Number.isFinite(value) && value > 0) {
      this.fail(field, `expected a duration with a unit, such as "${value}s" or "${value}ms", got ${value}`);
    }
    try {
      return parseDuration(value);
    } catch (error) {
      if (error instanceof DurationError) this.fail(field, error.message);
      throw error;
    }
  }

  size(field: FieldPath, value: unknown): number {
    if (typeof value !== "string" && typeof value !== "number") {
      this.fail(field, `expected a size such as "10MiB", got ${describe(value)}`);
    }
    let bytes: number;
    try {
      bytes = parseSize(value);
    } catch (error) {
      if (error instanceof SizeError) this.fail(field, error.message);
      throw error;
    }
    if (bytes < 1) this.fail(field, `expected a size of at least 1 byte, got ${describe(value)}`);
    return bytes;
  }

  integer(field: FieldPath, value: unknown, min: number, max?: number): number {
    const inRange = typeof value === "number" && value >= min && (max === undefined || value <= max);
    if (!inRange || !Number.isInteger(value)) {
      const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
      this.fail(field, `expected a whole number ${range}, got ${describe(value)}`);
    }
    return value as number;
  }

  boolean(field: FieldPath, value: unknown): boolean {
    if (typeof value !== "boolean") this.fail(field, `expected true or false, got ${describe(value)}`);
    return value;
  }

  signal(value: unknown): string {
    const signal = typeof value === "string" ? normaliseSignal(value) : null;
    if (signal === null) {
      const names = SIGNAL_NAMES.map(quote).join(", ");
      this.fail(["stop_signal"], `expected one of ${names} (the "SIG" prefix is optional), got ${describe(value)}`);
    }
    return signal;
  }

  exitCodes(value: unknown): number[] {
    if (!Array.isArray(value)) {
      this.fail(["park_exit_codes"], `expected an array of exit codes, got ${describe(value)}`);
    }
    return value.map((code, i) => this.integer(["park_exit_codes", i], code, 0, MAX_EXIT_CODE));
  }

  backoff(value: unknown, restart: ProcessSpec["restart"]): void {
    const table = this.subTable("backoff", value, BACKOFF_FIELDS, "initial, max and factor");
    if (has(table, "initial")) restart.initialBackoffMs = this.duration(["backoff", "initial"], table.initial);
    if (has(table, "max")) restart.maxBackoffMs = this.duration(["backoff", "max"], table.max);
    if (has(table, "factor")) {
      const factor = table.factor;
      if (typeof factor !== "number" || !Number.isFinite(factor) || factor < 1) {
        this.fail(["backoff", "factor"], `expected a number of at least 1, got ${describe(factor)}`);
      }
      restart.backoffFactor = factor;
    }
    if (restart.maxBackoffMs < restart.initialBackoffMs) {
      const initial = formatDuration(restart.initialBackoffMs);
      const max = formatDuration(restart.maxBackoffMs);
      if (has(table, "max")) {
        this.fail(["backoff", "max"], `expected at least backoff.initial (${initial}), got ${max}`);
      }
      this.fail(["backoff", "initial"], `expected at most backoff.max (${max}, the default), got ${initial}`);
    }
  }

  ready(value: unknown): ProbeSpec {
    const choice = `one of ${READY_CHECKS.join(", ")}`;
    const table = this.subTable("ready", value, READY_FIELDS, choice);
    const kinds = READY_CHECKS.filter((kind) => has(table, kind));
    if (kinds.length === 0) this.fail(["ready"], `expected ${choice}, got none of them`);
    if (kinds.length > 1) this.fail(["ready", kinds[1]!], `expected only ${choice}, got ${kinds.join(" and ")}`);
    const kind = kinds[0]!;
    if (has(table, "status") && kind !== "http") this.fail(["ready", "status"], "applies to an http probe only");
    if (has(table, "host") && kind !== "port") this.fail(["ready", "host"], "applies to a port probe only");
    return {
      check: this.readyCheck(kind, table),
      intervalMs: this.probeDuration(table, "interval", PROBE_DEFAULTS.intervalMs),
      attemptTimeoutMs: this.probeDuration(table, "attempt_timeout", PROBE_DEFAULTS.attemptTimeoutMs),
      timeoutMs: this.probeDuration(table, "timeout", PROBE_DEFAULTS.timeoutMs),
    };
  }

  private readyCheck(kind: ProbeCheck["kind"], table: Record<string, unknown>): ProbeCheck {
    switch (kind) {
      case "http": {
        const url = this.nonEmptyString(["ready", "http"], table.http, "a URL");
        const problem = httpUrlProblem(url);
        if (problem !== null) this.fail(["ready", "http"], `${problem}, got ${describe(url)}`);
        const statuses = has(table, "status") ? this.statuses(table.status) : null;
        return { kind, url, statuses };
      }
      case "port": {
        const port = this.integer(["ready", "port"], table.port, 1, MAX_PORT);
        const host = has(table, "host")
          ? this.nonEmptyString(["ready", "host"], table.host, "a host name or address")
          : DEFAULT_PROBE_HOST;
        return { kind, host, port };
      }
      case "log": {
        const pattern = this.nonEmptyString(["ready", "log"], table.log, "a regular expression");
        const problem = patternProblem(pattern);
        if (problem !== null) this.fail(["ready", "log"], `${problem}, got ${describe(pattern)}`);
        return { kind, pattern };
      }
      case "cmd": {
        const command = table.cmd;
        if (typeof command !== "string" || command.trim() === "") {
          this.fail(["ready", "cmd"], `expected a command (run with sh -c) as a non-empty string, got ${describe(command)}`);
        }
        return { kind, command };
      }
    }
  }

  private statuses(value: unknown): number[] {
    if (!Array.isArray(value) || value.length === 0) {
      this.fail(["ready", "status"], `expected an array of HTTP status codes, got ${describe(value)}`);
    }
    return value.map((code, i) => this.integer(["ready", "status", i], code, 100, 599));
  }

  private probeDuration(table: Record<string, unknown>, key: string, fallback: number): number {
    if (!has(table, key)) return fallback;
    const ms = this.duration(["ready", key], table[key]);
    if (ms <= 0) this.fail(["ready", key], `expected a duration longer than 0, got ${describe(table[key])}`);
    return ms;
  }

  dependsOn(value: unknown): Record<string, DependencyCondition> {
    const pairs: [string, DependencyCondition][] = [];
    if (Array.isArray(value)) {
      value.forEach((dep, i) => {
        const name = this.nonEmptyString(["depends_on", i], dep, "a process name");
        if (pairs.some(([seen]) => seen === name)) this.fail(["depends_on", i], `${quote(name)} is listed twice`);
        pairs.push([name, "ready"]);
      });
    } else if (isTable(value)) {
      for (const [name, condition] of Object.entries(value)) {
        pairs.push([name, this.oneOf(["depends_on", name], condition, DEPENDENCY_CONDITIONS)]);
      }
    } else {
      const conditions = DEPENDENCY_CONDITIONS.map(quote).join(", ");
      this.fail(
        ["depends_on"],
        `expected an array of process names or a table of name = one of ${conditions}, got ${describe(value)}`,
      );
    }
    // fromEntries defines own properties, so a name like "__proto__" stays an ordinary (unknown) one.
    return Object.fromEntries(pairs);
  }

  log(value: unknown, log: ProcessSpec["log"]): void {
    const table = this.subTable("log", value, LOG_FIELDS, "max_size and max_files");
    if (has(table, "max_size")) log.maxBytes = this.size(["log", "max_size"], table.max_size);
    if (has(table, "max_files")) log.maxFiles = this.integer(["log", "max_files"], table.max_files, 1);
  }

  private subTable(
    field: string,
    value: unknown,
    known: readonly string[],
    listed: string,
  ): Record<string, unknown> {
    if (!isTable(value)) this.fail([field], `expected a table with ${listed}, got ${describe(value)}`);
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail([field, key], unknownKey(key, known, "fields"));
    }
    return value;
  }
}

function fieldLabel(path: FieldPath): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  return out;
}

// ---------------------------------------------------------------------------
// Messages

function quote(text: string): string {
  return JSON.stringify(text);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") {
    return quote(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (Array.isArray(value)) return value.length === 0 ? "an empty array" : "an array";
  if (typeof value === "object") return "a table";
  return String(value);
}

function unknownKey(key: string, known: readonly string[], what: string): string {
  const guess = closest(key, known);
  const hint = guess === undefined ? "" : ` (did you mean ${quote(guess)}?)`;
  return `unknown${hint}; known ${what} are ${known.join(", ")}`;
}

/** The known name a typo most likely meant, if any is close enough to be a fair guess. */
export function closest(input: string, known: readonly string[]): string | undefined {
  // Spelling conventions (stopSignal, stop-signal, STOP_SIGNAL) are not typos: match them outright.
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  const exact = known.find((k) => squash(k) === squash(input));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the word may be wrong; beyond that a suggestion is more noise than help.
  const limit = Math.max(1, Math.floor(input.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** Optimal string alignment distance: Levenshtein plus swapped neighbours ("restrat"). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

// ---------------------------------------------------------------------------
// Locating keys in the source text, for line numbers. The parsers give the
// tree only, so each format is scanned here just enough to tell which line a
// key path starts on. Best effort: an unusual layout costs a line number, never
// a wrong parse.

interface KeyEntry {
  path: string[];
  line: number;
}

/** Stands for "an element of a sequence" in a path; such paths may repeat legitimately. */
const SEQUENCE = "\u0000[]";

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

function keyEntries(text: string, format: TreeFormat): KeyEntry[] {
  try {
    if (format === "toml") return tomlEntries(splitLines(text));
    if (format === "yaml") return yamlEntries(splitLines(text));
    return scanJson(text).entries;
  } catch {
    // e.g. a stack overflow on absurd nesting: do without line numbers
    return [];
  }
}

/** The line of `path` itself, else of the first key under it, else of its nearest enclosing key. */
function locate(entries: KeyEntry[], path: string[]): number | undefined {
  const startsWith = (long: string[], short: string[]) => short.every((part, i) => long[i] === part);
  const exact = entries.find((e) => e.path.length === path.length && startsWith(e.path, path));
  if (exact) return exact.line;
  const inside = entries.find((e) => e.path.length > path.length && startsWith(e.path, path));
  if (inside) return inside.line;
  let best: KeyEntry | undefined;
  for (const e of entries) {
    if (e.path.length < path.length && startsWith(path, e.path) && (!best || e.path.length > best.path.length)) {
      best = e;
    }
  }
  return best?.line;
}

function tomlEntries(lines: string[]): KeyEntry[] {
  const entries: KeyEntry[] = [];
  let table: string[] = [];
  let state: ValueState = { multiline: null, depth: 0 };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (state.multiline !== null || state.depth > 0) {
      state = scanTomlValue(line, 0, state);
      continue;
    }
    const start = line.length - line.trimStart().length;
    const first = line[start];
    if (first === undefined || first === "#") continue;
    if (first === "[") {
      const key = tomlKey(line, start + (line[start + 1] === "[" ? 2 : 1));
      if (key) {
        table = key.segments;
        entries.push({ path: table, line: i + 1 });
      }
      continue;
    }
    const key = tomlKey(line, start);
    if (!key) continue;
    const eq = skipSpaces(line, key.end);
    if (line[eq] !== "=") continue;
    entries.push({ path: [...table, ...key.segments], line: i + 1 });
    state = scanTomlValue(line, eq + 1, { multiline: null, depth: 0 });
  }
  return entries;
}

interface ValueState {
  multiline: '"""' | "'''" | null;
  depth: number;
}

/** Follows strings and brackets so lines inside a multi-line value are not read as keys. */
function scanTomlValue(line: string, from: number, state: ValueState): ValueState {
  let { multiline, depth } = state;
  let i = from;
  while (i < line.length) {
    if (multiline !== null) {
      const end = line.indexOf(multiline, i);
      if (end < 0) return { multiline, depth };
      i = end + 3;
      multiline = null;
      continue;
    }
    const c = line[i]!;
    if (c === "#") break;
    if (c === '"' || c === "'") {
      if (line.startsWith(c.repeat(3), i)) {
        multiline = c === '"' ? '"""' : "'''";
        i += 3;
        continue;
      }
      i++;
      while (i < line.length && line[i] !== c) i += c === '"' && line[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
    i++;
  }
  return { multiline, depth };
}

function skipSpaces(line: string, i: number): number {
  while (line[i] === " " || line[i] === "\t") i++;
  return i;
}

/** A dotted TOML key (bare, "basic" or 'literal' parts) starting at `from`. */
function tomlKey(line: string, from: number): { segments: string[]; end: number } | null {
  const segments: string[] = [];
  let i = from;
  for (;;) {
    i = skipSpaces(line, i);
    const c = line[i];
    if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === "\\" ? 2 : 1;
      if (j >= line.length) return null;
      const raw = line.slice(i, j + 1);
      try {
        segments.push(JSON.parse(raw) as string);
      } catch {
        segments.push(raw.slice(1, -1));
      }
      i = j + 1;
    } else if (c === "'") {
      const j = line.indexOf("'", i + 1);
      if (j < 0) return null;
      segments.push(line.slice(i + 1, j));
      i = j + 1;
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(line.slice(i));
      if (!match) return null;
      segments.push(match[0]);
      i += match[0].length;
    }
    i = skipSpaces(line, i);
    if (line[i] !== ".") return { segments, end: i };
    i++;
  }
}

function yamlEntries(lines: string[]): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const stack: { indent: number; key: string }[] = [];
  let blockScalarOwner: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let indent = line.length - line.replace(/^ +/, "").length;
    let rest = line.slice(indent);
    if (blockScalarOwner !== null) {
      if (rest.trim() === "" || indent > blockScalarOwner) continue;
      blockScalarOwner = null;
    }
    if (rest === "" || rest.startsWith("#")) continue;
    if (indent === 0 && /^(---|\.\.\.|%)/.test(rest)) {
      stack.length = 0;
      continue;
    }
    // "- key: value": the key sits inside a sequence element, further in than the dash.
    for (let dash = /^-( +|$)/.exec(rest); dash; dash = /^-( +|$)/.exec(rest)) {
      while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
      stack.push({ indent, key: SEQUENCE });
      indent += dash[0].length;
      rest = rest.slice(dash[0].length);
    }
    const key = yamlKey(rest);
    if (!key) continue;
    while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
    stack.push({ indent, key: key.name });
    entries.push({ path: stack.map((s) => s.key), line: i + 1 });
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(key.value.trim())) blockScalarOwner = indent;
  }
  return entries;
}

function yamlKey(rest: string): { name: string; value: string } | null {
  let match: RegExpExecArray | null;
  let name: string;
  if (rest.startsWith('"')) {
    match = /^"((?:[^"\\]|\\.)*)"\s*:(?:\s|$)/.exec(rest);
    if (!match) return null;
    try {
      name = JSON.parse(`"${match[1]}"`) as string;
    } catch {
      name = match[1]!;
    }
  } else if (rest.startsWith("'")) {
    match = /^'((?:[^']|'')*)'\s*:(?:\s|$)/.exec(rest);
    if (!match) return null;
    name = match[1]!.replace(/''/g, "'");
  } else {
    match = /^([^\s#{}[\],&*!|>%@`?][^#]*?)\s*:(?:\s|$)/.exec(rest);
    if (!match) return null;
    name = match[1]!;
  }
  return { name, value: rest.slice(match[0].length) };
}

/**
 * A small JSON reader that records the line of every key and, for text
 * JSON.parse rejected, the line where it stops making sense.
 */
function scanJson(text: string): { entries: KeyEntry[]; errorLine?: number } {
  const entries: KeyEntry[] = [];
  const path: string[] = [];
  const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  let i = 0;
  let line = 1;
  class Stop {}
  const stop = (): never => {
    throw new Stop();
  };
  const space = () => {
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === "\n") line++;
      else if (c !== " " && c !== "\t" && c !== "\r") break;
    }
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\n") stop();
      i += text[i] === "\\" ? 2 : 1;
    }
    if (i >= text.length) stop();
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return stop();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') stop();
        const keyLine = line;
        const key = string();
        entries.push({ path: [...path, key], line: keyLine });
        space();
        if (text[i] !== ":") stop();
        i++;
        path.push(key);
        value();
        path.pop();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else stop();
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      path.push(SEQUENCE);
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") break;
        else stop();
      }
      path.pop();
      i++;
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    LITERAL.lastIndex = i;
    const match = LITERAL.exec(text);
    if (!match) stop();
    i += match![0].length;
  };
  try {
    value();
    space();
    if (i < text.length) stop();
    return { entries };
  } catch (error) {
    if (error instanceof Stop) return { entries, errorLine: line };
    throw error;
  }
}
