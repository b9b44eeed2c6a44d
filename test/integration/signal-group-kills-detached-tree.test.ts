import { afterEach, beforeEach, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { findProcessesWithEnv } from "../../src/platform/marker-scan";
import { groupAlive, signalGroup } from "../../src/platform/process-group";

const onLinux = process.platform === "linux";
let mark = "";
const groups: number[] = [];

function start(cmd: string[]) {
  const child = Bun.spawn({ cmd, detached: true, env: { ...process.env, TEND_TEST_MARK: mark }, stdout: "ignore", stderr: "ignore" });
  groups.push(child.pid);
  return child;
}

async function survivors(): Promise<number[]> {
  const until = Date.now() + 3000;
  for (;;) {
    const left = findProcessesWithEnv("TEND_TEST_MARK", mark);
    if (left.length === 0 || Date.now() > until) return left;
    await Bun.sleep(20);
  }
}

beforeEach(() => {
  mark = randomBytes(8).toString("hex");
});
afterEach(async () => {
  for (const pgid of groups.splice(0)) signalGroup(pgid, "SIGKILL");
  expect(await survivors()).toEqual([]);
});

test("a detached child leads its own group, and signalling the group ends it", async () => {
  const child = start(["sleep", "30"]);
  if (onLinux) {
    const stat = await Bun.file(`/proc/${child.pid}/stat`).text();
    expect(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2])).toBe(child.pid);
  }
  expect(groupAlive(child.pid)).toBe(true);
  expect(signalGroup(child.pid, "SIGTERM")).toBe(true);
  await child.exited;
  expect(child.signalCode).toBe("SIGTERM");
  expect(groupAlive(child.pid)).toBe(false);
});

test("signalling a group that is gone returns false", async () => {
  const child = start(["true"]);
  await child.exited;
  expect(signalGroup(child.pid, "SIGTERM")).toBe(false);
  expect(groupAlive(child.pid)).toBe(false);
});

test("a numeric signal reaches every member of the tree", async () => {
  const child = start(["sh", "-c", "sleep 30 & sleep 30"]);
  if (onLinux) {
    const until = Date.now() + 3000;
    while (findProcessesWithEnv("TEND_TEST_MARK", mark).length < 2 && Date.now() < until) await Bun.sleep(10);
    expect(findProcessesWithEnv("TEND_TEST_MARK", mark).length).toBeGreaterThanOrEqual(2);
  }
  expect(signalGroup(child.pid, 9)).toBe(true);
  await child.exited;
  expect(await survivors()).toEqual([]);
});

test("refuses group ids that would hit everything or our own group", () => {
  for (const pgid of [0, 1, -5, 2.5]) expect(() => signalGroup(pgid, 0)).toThrow(RangeError);
});
