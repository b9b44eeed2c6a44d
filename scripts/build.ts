// Compiles src/cli.ts into one self-contained executable for this machine: dist/tend, and
// writes schema/tend.schema.json from the config's definition.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT, compileTend, gitCommit } from "./build-options";
import { SCHEMA_FILE, configJsonSchema } from "./config-json-schema";

const outfile = process.argv[2] ?? path.join(ROOT, "dist", "tend");
writeFileSync(SCHEMA_FILE, configJsonSchema());
const commit = await gitCommit();
try {
  await compileTend({ outfile, commit });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
console.log(`built ${path.relative(process.cwd(), outfile)} (${commit})`);
