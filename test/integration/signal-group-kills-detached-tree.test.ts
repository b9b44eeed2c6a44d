import { expect, test } from "bun:test";
import { groupAlive, signalGroup } from "../../src/platform/process-group";
import { useMarkedProcesses } from "../helpers/marked-processes";

const onLinux = process.platform === "linux";
const procs = useMarkedProcesses();

test("a detached child leads its own group, and signalling the group ends it", async () => {
  const child = procs.start(["sleep", "30"]);
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
  const child = procs.start(["true"]);
  await child.exited;
  expect(signalGroup(child.pid, "SIGTERM")).toBe(false);
  expect(groupAlive(child.pid)).toBe(false);
});

test("a numeric signal reaches every member of the tree", async () => {
  const child = procs.start(["sh", "-c", "sleep 30 & sleep 30"]);
  if (onLinux) expect((await procs.atLeast(2)).length).toBeGreaterThanOrEqual(2);
  expect(signalGroup(child.pid, 9)).toBe(true);
  await child.exited;
  expect(await procs.survivors()).toEqual([]);
});

test("refuses group ids that would hit everything or our own group", () => {
  for (const pgid of [0, 1, -5, 2.5]) expect(() => signalGroup(pgid, 0)).toThrow(RangeError);
});
