import { expect, test } from "bun:test";
import path from "node:path";
import { assemble, moduleText, ROOT, WASM_SOURCES } from "../../scripts/wasm";

test.each(WASM_SOURCES.map((w) => [w.source, w] as const))("%s assembles to exactly the bytes the bundle carries", async (_, w) => {
  const embedded = await Bun.file(path.join(ROOT, w.module)).text();
  expect(embedded).toBe(moduleText(w, await assemble(w.source)));
});
