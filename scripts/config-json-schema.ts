// schema/tend.schema.json, written from the config's definition (src/core/config-schema.ts) by
// scripts/build.ts, so editors and the parser can never disagree about a field.
import { toJsonSchema } from "@valibot/to-json-schema";
import path from "node:path";
import { configFileSchema, ProcessTable } from "../src/core/config-schema";
import { Duration, PositiveDuration, ProcessName, Size } from "../src/core/value-schemas";

export const SCHEMA_FILE = path.resolve(import.meta.dir, "..", "schema", "tend.schema.json");

const UNSAID = new Set(["finite", "raw_check"]);

/** The schema's text as it is committed: two-space JSON with a final newline. */
export function configJsonSchema(): string {
  const schema = toJsonSchema(configFileSchema('[processes.web] followed by command = "bun server.ts"'), {
    target: "draft-2020-12",
    // Editors check what people write ("30s"), not the milliseconds it becomes.
    typeMode: "input",
    definitions: { name: ProcessName, duration: Duration, positive_duration: PositiveDuration, size: Size, process: ProcessTable },
    // JSON numbers are always finite. Rules between fields (raw checks) have no JSON Schema of
    // their own: where JSON Schema can say them, the definition adds them as metadata.
    overrideAction: ({ valibotAction, jsonSchema }) => (UNSAID.has(valibotAction.type) ? jsonSchema : undefined),
  });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
