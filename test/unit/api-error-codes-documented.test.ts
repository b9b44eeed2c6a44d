import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ERROR_CODES } from "../../src/core/errors";

test("docs/api.md lists exactly the codes the API can send, each with its HTTP status", () => {
  const doc = readFileSync(path.resolve(import.meta.dir, "../../docs/api.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Errors"), doc.indexOf("\n## ", doc.indexOf("## Errors") + 1));
  const documented = Object.fromEntries([...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));
  const sent = Object.fromEntries(Object.entries(ERROR_CODES).filter(([, status]) => status !== null));
  expect(documented as Record<string, number | null>).toEqual(sent);
});

test("docs/json.md names every code an error document can carry that the API does not send", () => {
  const doc = readFileSync(path.resolve(import.meta.dir, "../../docs/json.md"), "utf8");
  const local = Object.entries(ERROR_CODES).filter(([, status]) => status === null).map(([code]) => code);
  expect(local.filter((code) => !doc.includes(`\`${code}\``))).toEqual([]);
});
