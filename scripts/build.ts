// Compiles src/cli.ts into one self-contained executable: dist/tend.
import { $ } from "bun";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");
const outfile = process.argv[2] ?? path.join(root, "dist", "tend");
const commit = (await $`git -C ${root} rev-parse --short HEAD`.nothrow().quiet().text()).trim() || "unknown";

const result = await Bun.build({
  entrypoints: [path.join(root, "src", "cli.ts")],
  compile: { outfile },
  minify: true,
  sourcemap: "linked",
  define: { TEND_BUILD_COMMIT: JSON.stringify(commit) },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${path.relative(process.cwd(), outfile)} (${commit})`);
