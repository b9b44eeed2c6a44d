// Compiles src/cli.ts into one self-contained executable for this machine: dist/tend.
import path from "node:path";
import { ROOT, compileTend, gitCommit } from "./build-options";

const outfile = process.argv[2] ?? path.join(ROOT, "dist", "tend");
const commit = await gitCommit();
try {
  await compileTend({ outfile, commit });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
console.log(`built ${path.relative(process.cwd(), outfile)} (${commit})`);
