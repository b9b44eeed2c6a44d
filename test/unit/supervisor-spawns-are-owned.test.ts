import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// The reaper of orphans (src/platform/reaper.linux.ts) waits for any zombie child of the
// supervisor that is not registered as Bun's own: a Bun.spawn left out of `owned` would have its
// exit status taken from under Bun, and its `exited` would never tell how it ended.
test("every Bun.spawn of the supervisor's code is registered with owned()", () => {
  const root = path.resolve(import.meta.dir, "../../src");
  const unowned: string[] = [];
  for (const dir of ["supervisor", "platform"]) {
    for (const file of readdirSync(path.join(root, dir))) {
      const text = readFileSync(path.join(root, dir, file), "utf8");
      for (let at = text.indexOf("Bun.spawn("); at !== -1; at = text.indexOf("Bun.spawn(", at + 1)) {
        // The statement it is part of, from the end of the one before.
        const statement = text.slice(text.lastIndexOf(";", at) + 1, at);
        if (!statement.includes("owned(")) unowned.push(`${dir}/${file}:${text.slice(0, at).split("\n").length}`);
      }
    }
  }
  expect(unowned).toEqual([]);
});
