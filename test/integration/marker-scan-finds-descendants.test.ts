import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { findProcessesWithEnv, findProcessesWithEnvPrefix } from "../../src/platform/marker-scan";
import { signalGroup } from "../../src/platform/process-group";

let mark = "";
const groups: number[] = [];

function start(cmd: string[], env: Record<string, string> = { TEND_TEST_MARK: mark }) {
  const child = Bun.spawn({ cmd, detached: true, env: { ...process.env, ...env }, stdout: "ignore", stderr: "ignore" });
  groups.push(child.pid);
  return child;
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

async function waitForCount(key: string, value: string, n: number): Promise<number[]> {
  const until = Date.now() + 3000;
  for (;;) {
    const found = findProcessesWithEnv(key, value);
    if (found.length >= n || Date.now() > until) return found.sort((a, b) => a - b);
    await Bun.sleep(10);
  }
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

describe.if(process.platform === "linux")("on Linux", () => {
  test("finds a marked child and its grandchild, and not us", async () => {
    const child = start(["sh", "-c", "sleep 30 & sleep 30"]);
    const found = await waitForCount("TEND_TEST_MARK", mark, 2);
    expect(found).toContain(child.pid);
    expect(found.some((pid) => pid !== child.pid && parentOf(pid) === child.pid)).toBe(true);
    expect(found).not.toContain(process.pid);
  });

  test("finds a grandchild that left the process group", async () => {
    start(["sh", "-c", "setsid sleep 30 & wait"]);
    const found = await waitForCount("TEND_TEST_MARK", mark, 2);
    const escaped = found.filter((pid) => !groups.includes(pid));
    expect(escaped).toHaveLength(1);
    // It is not in the child's group, so the afterEach group kill needs its group too.
    groups.push(escaped[0]!);
  });

  test("matches whole entries only", async () => {
    start(["sleep", "30"], { TEND_TEST_MARK: `${mark}-longer`, XTEND_TEST_MARK: mark, OTHER: `TEND_TEST_MARK=${mark}` });
    const exact = start(["sleep", "30"], { FIRST: "1", TEND_TEST_MARK: mark });
    expect(await waitForCount("TEND_TEST_MARK", mark, 1)).toEqual([exact.pid]);
    await Bun.sleep(50);
    expect(findProcessesWithEnv("TEND_TEST_MARK", mark)).toEqual([exact.pid]);
  });

  test("the prefix form returns every value under the prefix", async () => {
    const a = start(["sleep", "30"], { TEND_TEST_MARK: mark, TEND_TEST_ID: `${mark}/a` });
    const b = start(["sleep", "30"], { TEND_TEST_MARK: mark, TEND_TEST_ID: `${mark}/b` });
    await waitForCount("TEND_TEST_MARK", mark, 2);
    const found = findProcessesWithEnvPrefix("TEND_TEST_ID", `${mark}/`).sort((x, y) => x.pid - y.pid);
    expect(found).toEqual(
      [
        { pid: a.pid, value: `${mark}/a` },
        { pid: b.pid, value: `${mark}/b` },
      ].sort((x, y) => x.pid - y.pid),
    );
  });

  test("skips our own process even when it carries the variable", () => {
    expect(process.env.PATH).toBeDefined();
    expect(findProcessesWithEnvPrefix("PATH", "").map((p) => p.pid)).not.toContain(process.pid);
  });

  test("finds nothing for a marker nobody carries", () => {
    expect(findProcessesWithEnv("TEND_TEST_MARK", `${mark}-nobody`)).toEqual([]);
  });
});

describe.if(process.platform !== "linux")("elsewhere", () => {
  test("finds nothing", () => {
    expect(findProcessesWithEnv("PATH", process.env.PATH ?? "")).toEqual([]);
  });
});
