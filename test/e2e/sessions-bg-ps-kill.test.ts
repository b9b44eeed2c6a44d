import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor, writtenPids } from "../helpers/home";
import { FIXTURES, allEnded, tend } from "../helpers/tend-cli";

const t = useTendHome({ stop: true });

async function psJson() {
  const r = await tend(["ps", "--json"], { env: t.env });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe("background sessions", () => {
  test("50 parallel bg calls from separate processes: one supervisor, 50 distinct sessions, no corrupt state", async () => {
    const calls = Array.from({ length: 50 }, () => tend(["bg", "--json", "--", "sleep", "60"], { env: t.env, timeoutMs: 60_000 }));
    const results = await Promise.all(calls);
    for (const r of results) expect(r.stderr).toBe("");
    const names = results.map((r) => JSON.parse(r.stdout).name as string);
    expect(new Set(names).size).toBe(50);
    const ps = await psJson();
    expect(ps.supervisor.state).toBe("running");
    expect(ps.processes).toHaveLength(50);
    expect(new Set(ps.processes.map((p: { name: string }) => p.name))).toEqual(new Set(names));
    const supervisors = readFileSync(path.join(t.home, "supervisor.log"), "utf8").match(/supervisor started/g);
    expect(supervisors).toHaveLength(1);
    expect(readdirSync(t.home).filter((f) => f.includes("corrupt"))).toEqual([]);
    expect(readdirSync(path.join(t.home, "processes")).filter((f) => f.includes("corrupt"))).toEqual([]);
    expect((await tend(["kill", "--all"], { env: t.env, timeoutMs: 60_000 })).code).toBe(0);
  }, 90_000);

  test("kill --all ends sessions that ignore SIGTERM and fork grandchildren, after the grace", async () => {
    const files = [0, 1, 2].map((i) => path.join(t.home, `pids-${i}`));
    for (const [i, f] of files.entries()) {
      const r = await tend(["bg", "--name", `stubborn-${i}`, "-e", `PIDS_FILE=${f}`, "--", path.join(FIXTURES, "ignore-term-with-grandchild.sh")], { env: t.env });
      expect(r.code).toBe(0);
    }
    const pids = (await Promise.all(files.map((f) => writtenPids(f, 2)))).flat();
    expect(pids.every(isLiveProcess)).toBe(true);
    const kill = await tend(["kill", "--all", "--grace", "300ms"], { env: t.env });
    expect(kill.code).toBe(0);
    expect(pids.filter(isLiveProcess)).toEqual([]);
    expect((await psJson()).processes).toEqual([]);
  }, 30_000);

  test("a supervisor lost to SIGKILL: ps says so and names the survivors; kill --all ends them by identity and nothing else", async () => {
    const stranger = Bun.spawn({ cmd: ["sleep", "60"] });
    try {
      for (const n of ["one", "two"]) expect((await tend(["bg", "--name", n, "--", "sleep", "60"], { env: t.env })).code).toBe(0);
      const before = await psJson();
      const pids = before.processes.map((p: { pid: number }) => p.pid);
      process.kill(before.supervisor.pid, "SIGKILL");
      await waitFor("supervisor gone", () => !isLiveProcess(before.supervisor.pid));

      const ps = await tend(["ps"], { env: t.env });
      expect(ps.stdout).toContain("stale state cleaned up");
      expect(ps.stdout).toContain("the supervisor was lost; still running unwatched: one, two");
      expect(pids.every(isLiveProcess)).toBe(true);

      const kill = await tend(["kill", "--all", "--grace", "1s"], { env: t.env });
      expect(kill.code).toBe(0);
      expect(kill.stdout).toContain("killed one");
      expect(pids.filter(isLiveProcess)).toEqual([]);
      expect(isLiveProcess(stranger.pid)).toBe(true);
      expect((await psJson()).processes).toEqual([]);
    } finally {
      stranger.kill("SIGKILL");
    }
  }, 30_000);

  test("a finished session stays listed with its exit code until killed; the on-demand supervisor leaves when idle", async () => {
    expect((await tend(["bg", "--name", "job", "--", "sh", "-c", "echo done; exit 3"], { env: t.env })).code).toBe(0);
    await waitFor("job crashed", async () => (await psJson()).processes[0]?.state === "crashed");
    await waitFor("supervisor left", async () => (await psJson()).supervisor.state === "stopped", 15_000);
    const ps = await psJson();
    expect(ps.processes[0]).toMatchObject({ name: "job", state: "crashed", exitCode: 3 });
    expect((await tend(["kill", "job"], { env: t.env })).code).toBe(0);
    expect((await psJson()).processes).toEqual([]);
  }, 30_000);

  test("short options combine as in other tools: -eA=1 and -e B=2 both reach the session, -n1 keeps one line", async () => {
    const bg = await tend(["bg", "-eA=1", "-e", "B=-2", "--name", "env", "--", "sh", "-c", 'echo "$A"; echo "$B"'], { env: t.env });
    expect(bg.code).toBe(0);
    await allEnded(t.env);
    expect((await tend(["logs", "env"], { env: t.env })).stdout).toBe("1\n-2\n");
    expect((await tend(["logs", "env", "-n1"], { env: t.env })).stdout).toBe("-2\n");
    expect((await tend(["logs", "-tn", "1", "env"], { env: t.env })).stdout).toMatch(/^\d{4}-\S+ -2\n$/);
  }, 20_000);

  test("a bare 0 is a duration on the command line as in the config: kill --grace 0 kills at once", async () => {
    expect((await tend(["bg", "--name", "stubborn", "--grace", "0", "--", "sh", "-c", 'trap "" TERM; while :; do sleep 1; done'], { env: t.env })).code).toBe(0);
    const kill = await tend(["kill", "--grace", "0", "stubborn"], { env: t.env });
    expect(kill).toMatchObject({ code: 0 });
    expect((await psJson()).processes).toEqual([]);
  }, 20_000);

  test("bad input gets a clear error and changes nothing", async () => {
    const cases: Array<[string[], number, string]> = [
      [["bg", "--name", "../x", "--", "true"], 2, 'invalid name "../x"'],
      [["bg", "--name", "", "--", "true"], 2, 'invalid name ""'],
      [["bg", "--name", "a".repeat(200), "--", "true"], 2, "longer than 63"],
      [["bg", "--name", "has space", "--", "true"], 2, "may only contain"],
      [["bg", "--name", "x"], 2, "missing command after --"],
      [["bg", "--name", "x", "--"], 2, "missing command after --"],
      [["bg", "--bogus", "--", "true"], 2, "unknown option --bogus"],
      [["bg", "--env-file", path.join(t.home, "nope.env"), "--", "true"], 2, "no such file"],
      [["bg", "-e", "NOEQUALS", "--", "true"], 2, "expected KEY=VALUE"],
      [["bg", "--", "no-such-command-for-tend"], 1, "command not found"],
      [["bg", "--cwd", path.join(t.home, "missing"), "--", "true"], 1, "does not exist"],
      [["kill", "ghost"], 1, 'no process named "ghost"'],
    ];
    for (const [args, code, message] of cases) {
      const r = await tend(args, { env: t.env });
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr).toContain(message);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
    const ps = await psJson();
    expect(ps.processes).toEqual([]);
  }, 30_000);

  test("the socket, state files and logs are readable by their owner only", async () => {
    writeFileSync(path.join(t.home, "env"), "A=1\n");
    expect((await tend(["bg", "--name", "private", "--env-file", path.join(t.home, "env"), "--", "sleep", "30"], { env: t.env })).code).toBe(0);
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(t.home)).toBe(0o700);
    expect(mode(path.join(t.home, "tend.sock"))).toBe(0o600);
    expect(mode(path.join(t.home, "supervisor.json"))).toBe(0o600);
    expect(mode(path.join(t.home, "supervisor.log"))).toBe(0o600);
    expect(mode(path.join(t.home, "processes"))).toBe(0o700);
    expect(mode(path.join(t.home, "processes", "private.json"))).toBe(0o600);
    expect(mode(path.join(t.home, "logs"))).toBe(0o700);
    expect(mode(path.join(t.home, "logs", "private.log"))).toBe(0o600);
    expect((await tend(["kill", "private"], { env: t.env })).code).toBe(0);
  }, 30_000);
});
