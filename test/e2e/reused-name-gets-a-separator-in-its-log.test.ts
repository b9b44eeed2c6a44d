import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

/**
 * A name used again by a later run appends to the same log; one line the supervisor writes
 * where the new process's output starts tells the runs apart — in `tend logs` and in the file
 * itself, as a CRI line of its own for log shippers. Restarts of one process continue its log.
 */
const t = useTendHome({ killAll: { grace: "0s" }, stop: true });
const SEPARATOR = /^--- started at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(pid \d+\) ---$/;

const run = (...args: string[]) => tend(args, { env: t.env });
const lines = async (name: string) => (await run("logs", name)).stdout.trimEnd().split("\n");

async function ran(name: string, ...command: string[]): Promise<void> {
  expect((await run("bg", "--name", name, ...command)).code).toBe(0);
  expect((await run("wait", name, "--exit")).code).toBe(0);
}

test("a new session of a name that has a log starts with a separator; its first run has none", async () => {
  await ran("job", "--", "echo", "first");
  expect(await lines("job")).toEqual(["first"]);
  expect((await run("kill", "job")).code).toBe(0);
  await ran("job", "--", "echo", "second");
  await ran("job", "--replace", "--", "echo", "third");
  const shown = await lines("job");
  expect(shown).toHaveLength(5);
  expect([shown[0], shown[2], shown[4]]).toEqual(["first", "second", "third"]);
  expect(shown[1]).toMatch(SEPARATOR);
  expect(shown[3]).toMatch(SEPARATOR);

  const file = readFileSync(path.join(t.home, "logs", "job.log"), "utf8").trimEnd().split("\n");
  expect(file).toHaveLength(5);
  expect(file[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]{18}Z stderr F --- started at /);
}, 20_000);

test("restarts of one process continue its log without a separator", async () => {
  expect((await run("bg", "--name", "loop", "--restart", "on-failure", "--", "sh", "-c", 'echo "run $TEND_RESTARTS"; [ "$TEND_RESTARTS" -ge 1 ] && exec sleep 60; exit 1')).code).toBe(0);
  await waitFor("the second run's line", async () => (await lines("loop")).includes("run 1"), 10_000);
  expect(await lines("loop")).toEqual(["run 0", "run 1"]);
}, 20_000);
