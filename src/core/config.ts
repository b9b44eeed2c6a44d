import * as v from "valibot";
import { type ParsedConfig, configFileSchema } from "./config-schema";
import { type KeyEntry, SEQUENCE, type TreeFormat, keyEntries, locate, parseTree, splitLines, syntaxErrorLine } from "./config-positions";
import { findCycle } from "./dependencies";
import { didYouMean } from "./did-you-mean";
import { TendError } from "./errors";
import { nameProblem } from "./names";
import { type ProcessSpec, defaultsFor } from "./process-spec";
import { quote } from "./value-schemas";

export type ConfigFormat = TreeFormat | "procfile";



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

export function parseConfig(text: string, format: ConfigFormat, file: string): ParsedConfig {
  // An editor's byte-order mark is invisible to the user, so never make it their error.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (format === "procfile") return { specs: parseProcfile(source, file) };
  return new TreeReader(source, format, file).read();
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
    specs.push({ name, command: ["sh", "-c", command], shell: true, ...defaultsFor("worker"), source: { file, line } });
  }
  if (specs.length === 0) {
    throw new ConfigError('no processes defined; expected lines of the form "name: command"', { file });
  }
  return specs;
}


// ---------------------------------------------------------------------------
// TOML, YAML, JSON

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

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys the schema library skips in tables, so a process or variable so named would vanish. */
const RESERVED_KEYS = ["__proto__", "constructor", "prototype"];

class TreeReader {
  private entries?: KeyEntry[];

  constructor(
    private readonly text: string,
    private readonly format: TreeFormat,
    private readonly file: string,
  ) {}

  read(): ParsedConfig {
    const root = this.parseDocument();
    if (root === null || root === undefined) {
      this.fail(`the file is empty; expected a "processes" table, e.g. ${EXAMPLE[this.format]}`);
    }
    // TOML cannot repeat a key, but YAML and JSON parsers silently keep the last one.
    if (this.format !== "toml") this.rejectDuplicates();
    // A YAML "processes:" with nothing under it is no table at all.
    if (isTable(root) && root.processes === null) delete root.processes;
    this.rejectReservedKeys(root);
    const result = v.safeParse(configFileSchema(EXAMPLE[this.format]), root, { abortEarly: false });
    if (!result.success) throw this.errorFor(chooseIssue(result.issues));
    this.checkDependencies(result.output.specs);
    // Where each process is defined, for `tend ui` to say.
    const specs = result.output.specs.map((spec) => ({ ...spec, source: { file: this.file, line: locate(this.keyEntries(), ["processes", spec.name]) ?? null } }));
    return { ...result.output, specs };
  }

  private parseDocument(): unknown {
    try {
      return parseTree(this.text, this.format);
    } catch (error) {
      const raw = error instanceof Error ? error.message : String(error);
      // Bun's messages start with "TOML Parse error: " and the like; we say the format ourselves.
      const reason = raw.replace(/^\w+ Parse error:\s*/, "");
      const detail = `invalid ${FORMAT_LABEL[this.format]}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
      const line = syntaxErrorLine(this.text, this.format);
      throw new ConfigError(detail, line === undefined ? { file: this.file } : { file: this.file, line });
    }
  }

  /** The issue as a ConfigError that names the line, the process and the field. */
  private errorFor(issue: v.BaseIssue<unknown>): ConfigError {
    const items = issue.path ?? [];
    const keys = items.map((item) => (item as { key: string | number }).key);
    const last = items.at(-1) as { origin?: string } | undefined;
    const unknownKey = isUnknownKey(issue);
    const isProcess = keys[0] === "processes" && typeof keys[1] === "string";
    let field = isProcess ? keys.slice(2) : keys;
    const aboutKey = last?.origin === "key";
    // A bad key of a table (an env name) is named by the message; the field is the table.
    if (aboutKey && issue.type !== "strict_object") field = field.slice(0, -1);
    // At the top, only an unknown key or a wrong type is about a field; the other messages
    // ("no processes defined") name the processes table themselves.
    if (!isProcess && !unknownKey && (issue.kind !== "schema" || issue.type === "strict_object")) field = [];
    // A missing key is not in the text: the line is its table's.
    const written = (aboutKey && issue.type === "strict_object" && !unknownKey ? keys.slice(0, -1) : keys).filter(
      (k): k is string => typeof k === "string",
    );
    const line = written.length === 0 ? undefined : locate(this.keyEntries(), written);
    return new ConfigError(issue.message, {
      file: this.file,
      ...(line === undefined ? {} : { line }),
      ...(isProcess ? { process: keys[1] as string } : {}),
      ...(field.length === 0 ? {} : { field: fieldLabel(field) }),
    });
  }

  private rejectReservedKeys(root: unknown): void {
    if (!isTable(root) || !isTable(root.processes)) return;
    const reserved = (t: unknown) => (isTable(t) ? Object.keys(t).find((k) => RESERVED_KEYS.includes(k)) : undefined);
    const name = reserved(root.processes);
    if (name !== undefined) this.fail(`the name ${quote(name)} is reserved`, ["processes", name], { process: name });
    for (const [process, table] of Object.entries(root.processes)) {
      const key = isTable(table) ? reserved(table.env) : undefined;
      if (key !== undefined) {
        this.fail(`the variable name ${quote(key)} is reserved`, ["processes", process, "env", key], { process, field: "env" });
      }
    }
  }

  private checkDependencies(specs: ProcessSpec[]): void {
    const names = specs.map((s) => s.name);
    const graph = new Map<string, string[]>();
    for (const spec of specs) {
      const deps = Object.keys(spec.dependsOn ?? {});
      const fail = (detail: string) => this.failField(spec.name, "depends_on", detail);
      for (const dep of deps) {
        if (dep === spec.name) fail("a process cannot depend on itself");
        if (!names.includes(dep)) fail(`no process named ${quote(dep)}${didYouMean(dep, names)}`);
      }
      graph.set(spec.name, deps);
    }
    const cycle = findCycle(graph);
    if (cycle !== null) this.failField(cycle[0]!, "depends_on", `dependency cycle: ${cycle.join(" -> ")}`);
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

  private keyEntries(): KeyEntry[] {
    this.entries ??= keyEntries(this.text, this.format);
    return this.entries;
  }

  private failField(process: string, field: string, detail: string): never {
    this.fail(detail, ["processes", process, field], { process, field });
  }

  private fail(detail: string, path: string[] = [], context: Omit<ConfigErrorContext, "file" | "line"> = {}): never {
    const line = path.length > 0 ? locate(this.keyEntries(), path) : undefined;
    throw new ConfigError(detail, { file: this.file, ...(line === undefined ? {} : { line }), ...context });
  }
}

function isUnknownKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === "strict_object" && issue.expected === "never";
}

/**
 * The one issue to report. A union's own issue is replaced by what the option of the
 * value's type found (an array's bad element rather than "expected a string or an array");
 * an unknown key beats the issues inside its table, as a typo explains what looks missing.
 */
function chooseIssue(issues: readonly v.BaseIssue<unknown>[]): v.BaseIssue<unknown> {
  const first = innermost(issues[0]!);
  const keysOf = (issue: v.BaseIssue<unknown>) => (issue.path ?? []).map((item) => (item as { key: unknown }).key);
  const firstKeys = keysOf(first);
  const typo = issues.find((issue) => isUnknownKey(issue) && keysOf(issue).slice(0, -1).every((key, i) => firstKeys[i] === key));
  return typo ?? first;
}

function innermost(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown> {
  if (issue.type !== "union" || !issue.issues) return issue;
  const telling = issue.issues.find((sub) => (sub.path?.length ?? 0) > 0 || sub.kind !== "schema");
  if (telling === undefined) return issue;
  return innermost({ ...telling, path: [...(issue.path ?? []), ...(telling.path ?? [])] as typeof issue.path });
}

/** Numbers are indexes into arrays: ["command", 1] is shown as command[1]. */
function fieldLabel(path: (string | number)[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  return out;
}
