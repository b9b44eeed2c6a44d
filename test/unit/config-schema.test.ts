import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  BACKOFF_FIELDS,
  DEPENDENCY_CONDITIONS,
  LOG_FIELDS,
  MAX_EXIT_CODE,
  MAX_PORT,
  PROCESS_FIELDS,
  READY_CHECKS,
  READY_FIELDS,
  RESTART_MODES,
  TOP_LEVEL_FIELDS,
  parseConfig,
} from "../../src/core/config";
import { parseDuration, parseSize } from "../../src/core/duration";
import { NAME_PATTERN } from "../../src/core/names";
import { DEFAULT_PROBE_HOST, PROBE_DEFAULTS } from "../../src/core/probe-spec";
import { SIGNAL_NAMES, WORKER_DEFAULTS } from "../../src/core/process-spec";

// Read as text rather than imported, so a JSON syntax error fails here with a clear message.
const SCHEMA_PATH = join(import.meta.dir, "../../schema/tend.schema.json");
const schemaText = readFileSync(SCHEMA_PATH, "utf8");

type Json = any;

const schema: Json = JSON.parse(schemaText);
const defs: Record<string, Json> = schema.$defs;
const processSchema: Json = defs.process;
const processProps: Record<string, Json> = processSchema.properties;

/** Follows a local "$ref" so tests see what an editor would. */
function resolve(node: Json): Json {
  if (node && typeof node.$ref === "string") {
    const target = node.$ref.replace(/^#\/\$defs\//, "");
    return { ...defs[target], ...node, $ref: undefined };
  }
  return node;
}

function sorted(items: Iterable<string>): string[] {
  return [...items].sort();
}

describe("the schema file", () => {
  test("is valid JSON in draft 2020-12", () => {
    expect(() => JSON.parse(schemaText)).not.toThrow();
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.type).toBe("object");
  });

  test("every $ref points at a definition that exists", () => {
    const refs = schemaText.match(/"\$ref":\s*"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = /"#\/\$defs\/([^"]+)"/.exec(ref)?.[1];
      expect(target, ref).toBeDefined();
      expect(defs[target!], ref).toBeDefined();
    }
  });
});

describe("the schema lists exactly what the parser accepts", () => {
  test("top-level keys", () => {
    expect(sorted(Object.keys(schema.properties))).toEqual(sorted(TOP_LEVEL_FIELDS));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["processes"]);
  });

  test("process fields, in the same order", () => {
    expect(Object.keys(processProps)).toEqual([...PROCESS_FIELDS]);
    expect(processSchema.additionalProperties).toBe(false);
    expect(processSchema.required).toEqual(["command"]);
  });

  test("backoff and log fields", () => {
    const backoff = processProps.backoff;
    const log = processProps.log;
    expect(Object.keys(backoff.properties)).toEqual([...BACKOFF_FIELDS]);
    expect(backoff.additionalProperties).toBe(false);
    expect(Object.keys(log.properties)).toEqual([...LOG_FIELDS]);
    expect(log.additionalProperties).toBe(false);
  });

  test("ready fields: exactly one check, status only for http, host only for port", () => {
    const ready = processProps.ready;
    expect(Object.keys(ready.properties)).toEqual([...READY_FIELDS]);
    expect(ready.additionalProperties).toBe(false);
    expect(ready.oneOf).toEqual(READY_CHECKS.map((kind) => ({ required: [kind] })));
    expect(ready.dependentRequired).toEqual({ status: ["http"], host: ["port"] });
    expect(ready.properties.port).toMatchObject({ type: "integer", minimum: 1, maximum: MAX_PORT });
  });

  test("dependency conditions", () => {
    const [list, table] = processProps.depends_on.oneOf;
    expect(list.items).toEqual({ $ref: "#/$defs/name" });
    expect(table.additionalProperties.enum).toEqual([...DEPENDENCY_CONDITIONS]);
  });

  test("restart modes", () => {
    expect(processProps.restart.enum).toEqual([...RESTART_MODES]);
  });

  test("stop signals, with and without the SIG prefix", () => {
    const expected = [...SIGNAL_NAMES, ...SIGNAL_NAMES.map((s) => s.slice(3))];
    expect(sorted(processProps.stop_signal.enum)).toEqual(sorted(expected));
  });

  test("exit code range", () => {
    expect(processProps.park_exit_codes.items).toEqual({ type: "integer", minimum: 0, maximum: MAX_EXIT_CODE });
  });

  test("process names", () => {
    expect(defs.name.pattern).toBe(NAME_PATTERN.source);
    expect(schema.properties.processes.propertyNames).toEqual({ $ref: "#/$defs/name" });
  });

  test("the documented defaults are the parser's defaults", () => {
    const defaultsOf = (props: Record<string, Json>): Record<string, Json> =>
      Object.fromEntries(
        Object.entries(props)
          .map(([key, node]) => [key, resolve(node)] as const)
          .filter(([, node]) => node.default !== undefined || node.properties)
          .map(([key, node]) => [key, node.properties ? defaultsOf(node.properties) : node.default]),
      );
    const { ready: readyDefaults, ...documented } = defaultsOf(processProps);
    const fromSchema = { command: "x", ...documented };
    // Every field but command, the free-form ones (cwd, env), the optional tables and the
    // sandbox's options (which mean something only with sandbox = true) documents a default.
    const free = ["cwd", "env", "ready", "depends_on", "permission_mode", "allow_net"];
    expect(sorted(Object.keys(fromSchema))).toEqual(sorted(PROCESS_FIELDS.filter((f) => !free.includes(f))));
    const [spec] = parseConfig(JSON.stringify({ processes: { web: fromSchema } }), "json", "tend.json");
    const { name, command, shell, ...rest } = spec!;
    expect(rest).toEqual({ ...WORKER_DEFAULTS });

    // A probe has no default check, so one is added to see the defaults of the rest.
    const probed = { command: "x", ready: { port: 5432, ...readyDefaults } };
    const [withProbe] = parseConfig(JSON.stringify({ processes: { web: probed } }), "json", "tend.json");
    expect(withProbe!.ready).toEqual({ check: { kind: "port", host: DEFAULT_PROBE_HOST, port: 5432 }, ...PROBE_DEFAULTS });
  });

  test("duration and size examples parse, and match the schema's patterns", () => {
    const duration = new RegExp(defs.duration.oneOf[0].pattern);
    for (const example of defs.duration.examples) {
      expect(() => parseDuration(example)).not.toThrow();
      expect(duration.test(example)).toBe(true);
    }
    for (const bad of ["10", "1 minute", "s", ""]) expect(duration.test(bad)).toBe(false);
    expect(defs.duration.oneOf[1]).toEqual({ const: 0 });

    const size = new RegExp(defs.size.oneOf[0].pattern);
    for (const example of defs.size.examples) {
      expect(() => parseSize(example)).not.toThrow();
      if (typeof example === "string") expect(size.test(example)).toBe(true);
    }
    for (const bad of ["10 megs", "MiB", ""]) expect(size.test(bad)).toBe(false);
  });
});
