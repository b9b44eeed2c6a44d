import { expect, test } from "bun:test";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { firstMismatch, linesFromLog } from "../helpers/flood-log";
import { useTendHome } from "../helpers/home";
import { FIXTURES, projectLogs, tend } from "../helpers/tend-cli";

const COUNT = 200_000;
const t = useTendHome({ timeoutMs: 60_000 });

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
  expect(firstMismatch(foreground, COUNT)).toBeNull();

  const logs = readdirSync(projectLogs(t.home, t.home));
  expect(logs).toEqual(["flood-lines.log"]);
  const fromLog = linesFromLog(readFileSync(path.join(projectLogs(t.home, t.home), "flood-lines.log"), "utf8"));
  expect(firstMismatch(fromLog, COUNT)).toBeNull();
  console.log(`flood: ${COUNT} lines through start in ${elapsed.toFixed(0)} ms (${Math.round(COUNT / (elapsed / 1000))} lines/s end to end)`);
}, 60_000);
