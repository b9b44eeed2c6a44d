import { describe, expect, test } from "bun:test";
import { $ } from "bun";
import { readFileSync } from "node:fs";
import path from "node:path";
import { SCHEMA_FILE, configJsonSchema } from "../../scripts/config-json-schema";
import { parseConfig } from "../../src/core/config";
import { PROCESS_FIELDS } from "../../src/core/config-schema";
import { parseDuration, parseSize } from "../../src/core/duration";
import { DEFAULT_PROBE_HOST, PROBE_DEFAULTS } from "../../src/core/probe-spec";
import { WORKER_DEFAULTS } from "../../src/core/process-spec";

/** The processes of a config, without its project. */
/** The specs without where each was defined (tested on its own: "… the file and line …"). */
const specsOf = (...args: Parameters<typeof parseConfig>) => parseConfig(...args).specs.map(({ source: _, ...spec }) => spec);

type Json = any;

const generated = configJsonSchema();
const schema: Json = JSON.parse(generated);
const defs: Record<string, Json> = schema.$defs;
const processProps: Record<string, Json> = defs.process.properties;

/** Follows a local "$ref" so tests see what an editor would. */
function resolve(node: Json): Json {
  if (node && typeof node.$ref === "string") return { ...defs[node.$ref.replace(/^#\/\$defs\//, "")], ...node, $ref: undefined };
  return node;
}

describe("schema/tend.schema.json", () => {
  test("is the one the build writes from the config's definition", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(generated);
  });

  test("is committed as the build writes it", async () => {
    // The build rewrites the file, so a definition changed without its schema shows up here.
    const root = path.dirname(path.dirname(SCHEMA_FILE));
    const inGit = (await $`git -C ${root} rev-parse --is-inside-work-tree`.nothrow().quiet()).exitCode === 0;
    if (!inGit) return;
    const diff = await $`git -C ${root} diff --stat -- schema/tend.schema.json`.quiet().text();
    expect(diff, "run the build and commit schema/tend.schema.json").toBe("");
  });

  test("is draft 2020-12, and every $ref points at a definition", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const refs = [...generated.matchAll(/"\$ref": "#\/\$defs\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(defs[ref], ref).toBeDefined();
  });

  test("lists every process field and refuses others", () => {
    expect(Object.keys(processProps)).toEqual([...PROCESS_FIELDS]);
    expect(defs.process.additionalProperties).toBe(false);
    expect(defs.process.required).toEqual(["command"]);
  });

  test("the documented defaults are the parser's defaults", () => {
    const defaultsOf = (props: Record<string, Json>): Record<string, Json> =>
      Object.fromEntries(
        Object.entries(props)
          .map(([key, node]) => [key, resolve(node)] as const)
          .filter(([, node]) => node.default !== undefined || node.properties)
          .map(([key, node]) => [key, node.properties ? defaultsOf(node.properties) : node.default]),
      );
    const documented = defaultsOf(processProps);
    // ready is "port" or a table
    const [bare, table] = processProps.ready.anyOf;
    expect(bare).toEqual({ const: "port" });
    const readyDefaults = defaultsOf(table.properties);
    const [spec] = specsOf(JSON.stringify({ processes: { web: { command: "x", ...documented } } }), "json", "tend.json");
    const { name, command, shell, ...rest } = spec!;
    expect(rest).toEqual({ ...WORKER_DEFAULTS });

    // A probe has no default check, so one is added to see the defaults of the rest.
    const { host, ...timing } = readyDefaults;
    const [withProbe] = specsOf(JSON.stringify({ processes: { web: { command: "x", ready: { port: 5432, host, ...timing } } } }), "json", "tend.json");
    expect(withProbe!.ready).toEqual({ check: { kind: "port", host: DEFAULT_PROBE_HOST, port: 5432 }, ...PROBE_DEFAULTS });
  });

  test("duration and size examples parse, and match the schema's patterns", () => {
    const duration = new RegExp(defs.duration.pattern);
    for (const example of defs.duration.examples) {
      expect(() => parseDuration(example)).not.toThrow();
      expect(duration.test(example)).toBe(true);
    }
    for (const bad of ["10", "1 minute", "s", ""]) expect(duration.test(bad)).toBe(false);
    const size = new RegExp(defs.size.pattern);
    for (const example of defs.size.examples) {
      expect(() => parseSize(example)).not.toThrow();
      if (typeof example === "string") expect(size.test(example)).toBe(true);
    }
    for (const bad of ["10 megs", "MiB", ""]) expect(size.test(bad)).toBe(false);
  });
});
