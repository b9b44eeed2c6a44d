import { afterEach, beforeEach, expect, test } from "bun:test";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseCriLine } from "../../src/core/cri";
import { lineFor } from "../fixtures/flood-lines";
import { makeHome, type TestHome } from "../helpers/home";
import { FIXTURES, tend } from "../helpers/tend-cli";

const COUNT = 200_000;
let t: TestHome;
beforeEach(() => {
  t = makeHome();
}, 60_000);
afterEach(async () => {
  expect(await t.reap()).toEqual([]);
  t.remove();
}, 60_000);

/** Joins CRI records (P pieces up to their F) back into the lines the child wrote. */
function linesFromLog(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    if (raw === "") continue;
    const rec = parseCriLine(raw);
    if (!rec) throw new Error(`malformed log line: ${raw.slice(0, 80)}`);
    pending += rec.text;
    if (!rec.partial) {
      out.push(pending);
      pending = "";
    }
  }
  return out;
}

function firstMismatch(got: string[]): string | null {
  for (let i = 0; i < COUNT; i++) {
    if (got[i] !== lineFor(i)) return `line ${i}: expected ${JSON.stringify(lineFor(i).slice(0, 60))}, got ${JSON.stringify(got[i]?.slice(0, 60))}`;
  }
  return got.length === COUNT ? null : `expected ${COUNT} lines, got ${got.length}`;
}

test("200,000 lines with some over 64 KiB and no final newline arrive intact, in order, in the log and the foreground", async () => {
  const started = performance.now();
  writeFileSync(
    path.join(t.home, "tend.toml"),
    `[processes.flood-lines]\ncommand = ${JSON.stringify([process.execPath, path.join(FIXTURES, "flood-lines.ts")])}\nrestart = "no"\nlog = { max_size = "100MiB" }\n`,
  );
  const run = await tend(["start", "--dir", t.home], {
    env: { ...t.env, COUNT: String(COUNT) },
    timeoutMs: 60_000,
  });
  const elapsed = performance.now() - started;
  expect(run.code).toBe(0);

  const foreground = run.stdout
    .split("\n")
    .filter((l) => l.startsWith("flood-lines | "))
    .map((l) => l.slice("flood-lines | ".length));
  expect(firstMismatch(foreground)).toBeNull();

  const logs = readdirSync(path.join(t.home, "logs"));
  expect(logs).toEqual(["flood-lines.log"]);
  const fromLog = linesFromLog(readFileSync(path.join(t.home, "logs", "flood-lines.log"), "utf8"));
  expect(firstMismatch(fromLog)).toBeNull();
  console.log(`flood: ${COUNT} lines through start in ${elapsed.toFixed(0)} ms (${Math.round(COUNT / (elapsed / 1000))} lines/s end to end)`);
}, 60_000);
