import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { BINDINGS } from "../../src/ui/bindings";

test("the README lists every key of tend ui with what it does", () => {
  const readme = readFileSync(path.resolve(import.meta.dir, "../../README.md"), "utf8");
  const table = readme.slice(readme.indexOf("| key | what it does |"));
  for (const b of BINDINGS) {
    const keys = b.keys.split(/\s{2,}/).map((k) => `\`${k}\``).join(" ");
    expect(table).toContain(`| ${keys} | ${b.what.replace("$PAGER", "`$PAGER`")} |`);
  }
});
