// Assembles every .wat of src/core into the TypeScript module that embeds it: `bun scripts/build-wasm.ts`.
import path from "node:path";
import { assemble, moduleText, ROOT, WASM_SOURCES } from "./wasm";

for (const w of WASM_SOURCES) {
  const bytes = await assemble(w.source);
  await Bun.write(path.join(ROOT, w.module), moduleText(w, bytes));
  console.log(`${w.module}: ${bytes.length} bytes from ${w.source}`);
}
