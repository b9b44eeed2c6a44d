import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { newLife, toStatus } from "../../src/core/lifecycle";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";
import { layout, processFile } from "../../src/platform/paths";
import { RecordWriter } from "../../src/supervisor/record-writer";

let home = "";
afterEach(() => rmSync(home, { recursive: true, force: true }));

const spec: ProcessSpec = { ...defaultsFor("session"), name: "web", command: ["web"], shell: false };
const record = (restarts: number) => ({ spec, status: { ...toStatus(spec, newLife(0, spec), null), restarts } });

test("the changes of one burst are written once, the latest, and a removal drops one still waiting", async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "tend-records-"));
  const paths = layout(home);
  mkdirSync(paths.processesDir, { recursive: true });
  const writer = new RecordWriter(paths, () => {});
  for (let i = 1; i <= 3; i++) writer.write(record(i));
  const file = processFile(paths, "web");
  expect(existsSync(file)).toBe(false);
  await Promise.resolve();
  expect(JSON.parse(readFileSync(file, "utf8")).status.restarts).toBe(3);

  writer.write(record(4));
  writer.remove("web");
  await Promise.resolve();
  expect(existsSync(file)).toBe(false);
});
