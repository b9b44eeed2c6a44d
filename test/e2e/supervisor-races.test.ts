import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { findProcessesWithEnvPrefix } from "../../src/platform/marker-scan";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "500ms" }, stop: true });

async function ps(): Promise<{ supervisor: { pid: number; state: string }; processes: Array<{ name: string; state: string; pid: number | null }> }> {
  return JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
}

/** Every process of this home carrying a marker, i.e. everything tend started that still runs. */
function running(): number[] {
  return findProcessesWithEnvPrefix("TEND_HOME", t.home).map((p) => p.pid).filter(isLiveProcess);
}

test("a kill during a restart wins: nothing comes back untracked, and other logs keep flowing", async () => {
  expect((await tend(["bg", "--name", "other", "--", "sh", "-c", "i=0; while :; do i=$((i+1)); echo other $i; sleep 0.05; done"], { env: t.env })).code).toBe(0);
  expect((await tend(["bg", "--name", "stubborn", "--", "sh", "-c", 'trap "" TERM; while :; do echo tick; sleep 0.05; done'], { env: t.env })).code).toBe(0);
  const restart = tend(["restart", "stubborn"], { env: t.env });
  await Bun.sleep(300);
  expect((await tend(["kill", "stubborn", "--grace", "500ms"], { env: t.env })).code).toBe(0);
  await restart;
  await Bun.sleep(300);
  const state = await ps();
  expect(state.processes.map((p) => p.name)).toEqual(["other"]);
  const lines = () => readFileSync(path.join(t.home, "logs", "other.log"), "utf8").split("\n").length;
  const before = lines();
  await waitFor("other's log to grow", () => lines() > before + 5, 5000);
  // Only the supervisor and "other" (and its sleeps) are left.
  const pids = running().filter((pid) => pid !== state.supervisor.pid);
  const otherPid = state.processes[0]!.pid!;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // one of "other"'s short sleeps, gone since it was listed
    }
    const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    expect(pgid).toBe(otherPid);
  }
}, 20_000);

test("a bg during tend stop waits for the old supervisor and starts under a new one; stop returns; nothing orphaned", async () => {
  expect((await tend(["bg", "--name", "slow", "--", "sh", "-c", 'trap "" TERM; while :; do sleep 0.1; done'], { env: t.env })).code).toBe(0);
  const first = (await ps()).supervisor.pid;
  const stop = tend(["stop"], { env: t.env });
  // The record says so once the stop has reached the supervisor: the next bg comes during it.
  const stoppingSlow = () => JSON.parse(readFileSync(path.join(t.home, "processes", "slow.json"), "utf8")).status.state === "stopping";
  await waitFor("the stop under way", stoppingSlow);
  const late = await tend(["bg", "--name", "late", "--", "sleep", "60"], { env: t.env, timeoutMs: 30_000 });
  expect((await stop).code).toBe(0);
  expect(late.code).toBe(0);
  const after = await ps();
  expect(after.supervisor.state).toBe("running");
  expect(after.supervisor.pid).not.toBe(first);
  expect(after.processes.find((p) => p.name === "late")?.state).toBe("running");
}, 40_000);

test("restart of a session left by a lost supervisor ends the old run before starting a new one", async () => {
  expect((await tend(["bg", "--name", "s1", "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  const before = await ps();
  const oldPid = before.processes[0]!.pid!;
  process.kill(before.supervisor.pid, "SIGKILL");
  await waitFor("supervisor gone", () => !isLiveProcess(before.supervisor.pid));
  expect((await tend(["restart", "s1"], { env: t.env })).code).toBe(0);
  expect(isLiveProcess(oldPid)).toBe(false);
  const after = await ps();
  expect(after.processes).toHaveLength(1);
  expect(after.processes[0]!.pid).not.toBe(oldPid);
}, 20_000);

test("two concurrent --replace of one name: each replaces or is refused, and none is orphaned", async () => {
  expect((await tend(["bg", "--name", "x", "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  const [a, b] = await Promise.all([
    tend(["bg", "--replace", "--name", "x", "--", "sleep", "61"], { env: t.env }),
    tend(["bg", "--replace", "--name", "x", "--", "sleep", "62"], { env: t.env }),
  ]);
  // Served one after the other both succeed; overlapping, the second finds the name taken.
  expect([a.code, b.code]).toContain(0);
  for (const r of [a, b]) if (r.code !== 0) expect(r.stderr).toContain('a process named "x" already exists');
  const state = await ps();
  expect(state.processes).toHaveLength(1);
  const sleeps = running().filter((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("sleep"));
  expect(sleeps).toEqual([state.processes[0]!.pid!]);
}, 20_000);

test("logs -f and wait --exit on a session left by a lost supervisor return once it dies", async () => {
  expect((await tend(["bg", "--name", "s1", "--", "sh", "-c", "echo hi; exec sleep 60"], { env: t.env })).code).toBe(0);
  const before = await ps();
  const pid = before.processes[0]!.pid!;
  process.kill(before.supervisor.pid, "SIGKILL");
  await waitFor("supervisor gone", () => !isLiveProcess(before.supervisor.pid));
  expect((await tend(["bg", "--name", "s2", "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  const follow = tend(["logs", "-f", "s1"], { env: t.env, timeoutMs: 15_000 });
  const wait = tend(["wait", "s1", "--exit"], { env: t.env, timeoutMs: 15_000 });
  await Bun.sleep(500);
  process.kill(pid, "SIGKILL");
  expect(await follow).toMatchObject({ code: 0, stdout: "hi\n" });
  expect((await wait).code).not.toBe(124);
}, 20_000);

test("restart of a queued session keeps it queued: capacity holds", async () => {
  expect((await tend(["start", "-d", "--capacity", "1", "--dir", t.home], { env: t.env })).code).toBe(0);
  for (const n of ["a", "b"]) expect((await tend(["bg", "--name", n, "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  expect((await tend(["restart", "b"], { env: t.env })).code).toBe(0);
  const state = await ps();
  expect(Object.fromEntries(state.processes.map((p) => [p.name, p.state]))).toEqual({ a: "running", b: "queued" });
}, 20_000);

test("a very short TEND_LINGER still serves the bg that started the supervisor", async () => {
  for (let i = 0; i < 5; i++) {
    const r = await tend(["bg", "--", "true"], { env: { ...t.env, TEND_LINGER: "1ms" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }
}, 30_000);
