import { expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const MAX = 10 * 1024 * 1024;
const t = useTendHome({ killAll: true, stop: true });

test("supervisor.log rotates at 10 MiB into .1 and .2 like a process's log, and the supervisor goes on writing it", async () => {
  const log = path.join(t.home, "supervisor.log");
  // A long-lived supervisor's log, a few lines short of its limit, and two rotated ones before it.
  const line = "2026-12-01T00:00:00.000Z info  old: a line from long ago\n";
  writeFileSync(log, line.repeat(Math.floor(MAX / line.length) - 2), { mode: 0o600 });
  writeFileSync(`${log}.1`, "previous\n", { mode: 0o600 });
  writeFileSync(`${log}.2`, "oldest\n", { mode: 0o600 });

  expect((await tend(["bg", "--name", "one", "--", "sh", "-c", "exit 0"], { env: t.env })).code).toBe(0);
  await waitFor("the supervisor to write past the limit", () => statSync(log).size < MAX && existsSync(`${log}.1`) && statSync(`${log}.1`).size > MAX && readFileSync(`${log}.1`, "utf8").startsWith(line));

  expect(readFileSync(`${log}.2`, "utf8")).toBe("previous\n");
  expect(existsSync(`${log}.3`)).toBe(false);
  expect(statSync(`${log}.1`).size).toBeGreaterThan(MAX);
  // The file the supervisor holds open is still the current one: its next lines land there.
  expect((await tend(["bg", "--name", "two", "--", "sh", "-c", "exit 0"], { env: t.env })).code).toBe(0);
  await waitFor("two's notices in supervisor.log", () => readFileSync(log, "utf8").includes("two: "));
  expect(readFileSync(log, "utf8")).not.toContain("old: a line from long ago");
  expect(readFileSync(log, "utf8").startsWith("\0")).toBe(false);
});
