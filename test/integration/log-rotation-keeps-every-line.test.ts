import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { StreamFramer } from "../../src/core/line-framer";
import { LogWriter } from "../../src/supervisor/log-writer";

const enc = new TextEncoder();
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("rotation by size keeps max_files files, newest last, no line split or lost within them", () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tend-rot-"));
  const file = path.join(dir, "p.log");
  const a = new LogWriter(file, { maxBytes: 1000, maxFiles: 3 });
  const b = new LogWriter(path.join(dir, "q.log"), { maxBytes: 1_000_000, maxFiles: 3 });
  const prefix = "T stdout F ";
  const fa = new StreamFramer();
  const fb = new StreamFramer();
  for (let i = 0; i < 300; i++) {
    fa.push(enc.encode(`line ${i}\n`), prefix, a, null);
    // Another writer framing in between must not mix its lines into this file.
    if (i % 7 === 0) fb.push(enc.encode(`other ${i}\n`), prefix, b, null);
    if (i % 5 === 0) a.flush();
  }
  a.close();
  b.close();
  expect(readdirSync(dir).sort()).toEqual(["p.log", "p.log.1", "p.log.2", "q.log"]);
  const lines = ["p.log.2", "p.log.1", "p.log"].flatMap((f) => readFileSync(path.join(dir, f), "utf8").trimEnd().split("\n"));
  for (const f of ["p.log", "p.log.1", "p.log.2"]) expect(readFileSync(path.join(dir, f)).length).toBeLessThanOrEqual(1000);
  const numbers = lines.map((l) => Number(/^T stdout F line (\d+)$/.exec(l)?.[1]));
  expect(numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1)).toBe(true);
  expect(numbers.at(-1)).toBe(299);
  const other = readFileSync(path.join(dir, "q.log"), "utf8").trimEnd().split("\n");
  expect(other).toHaveLength(43);
  expect(other.every((l) => l.startsWith("T stdout F other "))).toBe(true);
});
