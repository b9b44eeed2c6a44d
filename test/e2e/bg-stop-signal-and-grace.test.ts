import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { useTendHome } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

/**
 * `bg --stop-signal S --grace D`: a session that wants SIGINT to stop quickly (postgres) gets
 * it, and one that ignores its stop signal is killed once its own grace is over.
 */
const t = useTendHome({ killAll: { grace: "0s" }, stop: true });

async function processOf(name: string): Promise<{ state: string; exitCode: number | null; exitSignal: string | null; stopSignal: string; graceMs: number }> {
  const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  return ps.processes.find((p: { name: string }) => p.name === name);
}

test("--stop-signal SIGINT reaches the session when it is stopped, and --grace is its own", async () => {
  const r = await tend(["bg", "--name", "pg", "--stop-signal", "int", "--grace", "3s", "--ready-log", "up", "--", "sh", "-c", 'trap "echo fast shutdown on INT; exit 0" INT; echo up; while :; do sleep 0.1; done'], { env: t.env });
  expect(r.code).toBe(0);
  expect(await processOf("pg")).toMatchObject({ stopSignal: "SIGINT", graceMs: 3000 });
  expect((await tend(["kill", "--keep", "pg"], { env: t.env })).code).toBe(0);
  expect(await processOf("pg")).toMatchObject({ state: "stopped", exitCode: 0, exitSignal: null });
  expect((await tend(["logs", "pg"], { env: t.env })).stdout).toBe("up\nfast shutdown on INT\n");
}, 20_000);

test("--grace: a session ignoring its stop signal gets SIGKILL after its own grace", async () => {
  expect((await tend(["bg", "--name", "stubborn", "--grace", "300ms", "--ready-log", "up", "--", "sh", "-c", "trap '' TERM; echo up; while :; do sleep 0.1; done"], { env: t.env })).code).toBe(0);
  expect((await tend(["kill", "--keep", "stubborn"], { env: t.env })).code).toBe(0);
  expect(await processOf("stubborn")).toMatchObject({ state: "stopped", exitSignal: "SIGKILL", graceMs: 300 });
  const log = readFileSync(path.join(t.home, "supervisor.log"), "utf8");
  expect(log).toContain("stubborn: stopping (SIGTERM, grace 300ms)");
}, 20_000);

test("a bad --stop-signal or --grace is a usage error, and nothing is started", async () => {
  for (const [args, line] of [
    [["--stop-signal", "SIGFOO"], "tend: --stop-signal SIGFOO: unknown signal (use one of SIGTERM, SIGINT"],
    [["--grace", "soon"], "tend: --grace: "],
    [["--stop-signal"], "tend: option --stop-signal needs a value"],
  ] as const) {
    const r = await tend(["bg", "--name", "never", ...args, "--", "sleep", "60"], { env: t.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith(line);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  }
  expect(await processOf("never")).toBeUndefined();
});
