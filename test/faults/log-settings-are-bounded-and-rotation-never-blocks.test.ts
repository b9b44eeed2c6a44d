import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { StreamFramer } from "../../src/core/line-framer";
import { LogWriter } from "../../src/supervisor/log-writer";
import { useTendHome } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: true });

test("a log setting out of bounds is refused by bg, the config and the API, and nothing starts", async () => {
  for (const [flag, value, said] of [
    ["--log-max-files", "1000000000", "--log-max-files: expected a whole number from 1 to 100, got 1000000000"],
    ["--log-max-files", "many", '--log-max-files: expected a whole number from 1 to 100, got "many"'],
    ["--log-max-size", "10", '--log-max-size: expected a size from 1KiB to 1TiB, got "10"'],
  ] as const) {
    const r = await tend(["bg", "--name", "x", flag, value, "--", "true"], { env: t.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(said);
  }
  writeFileSync(path.join(t.home, "tend.toml"), '[processes.web]\ncommand = "true"\nlog = { max_files = 1000000000 }\n');
  const start = await tend(["start", "-d", "--dir", t.home], { env: t.env });
  expect(start.code).toBe(2);
  expect(start.stderr).toContain('field "log.max_files": expected a whole number from 1 to 100, got 1000000000');
  expect((await tend(["ps", "--json"], { env: t.env })).stdout).not.toContain('"name":"x"');
});

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("rotation touches only the files on disk, whatever max_files says", () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tend-rotate-"));
  const file = path.join(dir, "w.log");
  // Past any bound a user can set, as a record of an older version might hold: the cost must
  // follow the files there are, not the setting: looping over the setting took the supervisor
  // 20 s for a huge one, far past this test's timeout.
  const log = new LogWriter(file, { maxBytes: 1024, maxFiles: 1_000_000_000 });
  const framer = new StreamFramer();
  for (let i = 0; i < 200; i++) framer.push(new TextEncoder().encode(`${"x".repeat(100)} ${i}\n`), "T stdout F ", log, null);
  log.close();
  const files = readdirSync(dir);
  expect(files.length).toBeGreaterThan(15);
  expect(files).toContain("w.log.1");
});
