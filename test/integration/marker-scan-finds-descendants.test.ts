import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { findProcessesWithEnv, findProcessesWithEnvPrefix } from "../../src/platform/marker-scan";
import { useMarkedProcesses } from "../helpers/marked-processes";

const procs = useMarkedProcesses();

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

describe.if(process.platform === "linux")("on Linux", () => {
  test("finds a marked child and its grandchild, and not us", async () => {
    const child = procs.start(["sh", "-c", "sleep 30 & sleep 30"]);
    const found = await procs.atLeast(2);
    expect(found).toContain(child.pid);
    expect(found.some((pid) => pid !== child.pid && parentOf(pid) === child.pid)).toBe(true);
    expect(found).not.toContain(process.pid);
  });

  test("finds a grandchild that left the process group", async () => {
    procs.start(["sh", "-c", "setsid sleep 30 & wait"]);
    const found = await procs.atLeast(2);
    const escaped = found.filter((pid) => !procs.groups.includes(pid));
    expect(escaped).toHaveLength(1);
    // It is not in the child's group, so the afterEach group kill needs its group too.
    procs.groups.push(escaped[0]!);
  });

  test("matches whole entries only", async () => {
    procs.start(["sleep", "30"], { env: { TEND_TEST_MARK: `${procs.mark}-longer`, XTEND_TEST_MARK: procs.mark, OTHER: `TEND_TEST_MARK=${procs.mark}` } });
    const exact = procs.start(["sleep", "30"], { env: { FIRST: "1", TEND_TEST_MARK: procs.mark } });
    expect(await procs.atLeast(1)).toEqual([exact.pid]);
    await Bun.sleep(50);
    expect(findProcessesWithEnv("TEND_TEST_MARK", procs.mark)).toEqual([exact.pid]);
  });

  test("the prefix form returns every value under the prefix", async () => {
    const a = procs.start(["sleep", "30"], { env: { TEND_TEST_ID: `${procs.mark}/a` } });
    const b = procs.start(["sleep", "30"], { env: { TEND_TEST_ID: `${procs.mark}/b` } });
    await procs.atLeast(2);
    const found = findProcessesWithEnvPrefix("TEND_TEST_ID", `${procs.mark}/`).sort((x, y) => x.pid - y.pid);
    expect(found).toEqual(
      [
        { pid: a.pid, value: `${procs.mark}/a` },
        { pid: b.pid, value: `${procs.mark}/b` },
      ].sort((x, y) => x.pid - y.pid),
    );
  });

  test("skips our own process even when it carries the variable", () => {
    expect(process.env.PATH).toBeDefined();
    expect(findProcessesWithEnvPrefix("PATH", "").map((p) => p.pid)).not.toContain(process.pid);
  });

  test("finds nothing for a marker nobody carries", () => {
    expect(findProcessesWithEnv("TEND_TEST_MARK", `${procs.mark}-nobody`)).toEqual([]);
  });
});

describe.if(process.platform !== "linux")("elsewhere", () => {
  test("finds nothing", () => {
    expect(findProcessesWithEnv("PATH", process.env.PATH ?? "")).toEqual([]);
  });
});
