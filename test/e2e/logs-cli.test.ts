import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { projectLogs, projectOf, tend } from "../helpers/tend-cli";

const t = useTendHome({ stop: true });

async function startWith(toml: string): Promise<void> {
  writeFileSync(path.join(t.home, "tend.toml"), toml);
  const r = await tend(["start", "-d", "--dir", t.home], { env: t.env });
  expect(r.code).toBe(0);
}

async function settled(...names: string[]): Promise<void> {
  await waitFor(`${names.join(", ")} ended`, async () => {
    const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout) as { processes: Array<{ name: string; state: string }> };
    return names.every((n) => ps.processes.some((p) => p.name === n && (p.state === "exited" || p.state === "crashed")));
  });
}

const run = (args: string[], env = t.env) => tend(["logs", ...args], { env });

const TWO_JOBS = `
[processes.api]
command = "echo api-1; sleep 0.6; echo api-oops >&2; sleep 0.6; echo api-3"
restart = "no"

[processes.db]
command = "sleep 0.3; echo db-1; sleep 0.6; echo db-2"
restart = "no"
`;

describe("tend logs, from the supervisor and from the files", () => {
  test("bare lines, -t, -n, --stream, several names interleaved, --json; the same after stop", async () => {
    await startWith(TWO_JOBS);
    await settled("api", "db");
    const check = async () => {
      expect(await run(["api"])).toEqual({ code: 0, stdout: "api-1\napi-oops\napi-3\n", stderr: "" });
      const stamped = (await run(["api", "-t"])).stdout.trimEnd().split("\n");
      expect(stamped).toHaveLength(3);
      for (const l of stamped) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z api-/);
      expect((await run(["api", "-n", "1"])).stdout).toBe("api-3\n");
      expect((await run(["api", "--stream", "stderr"])).stdout).toBe("api-oops\n");
      expect((await run(["api", "db"])).stdout).toBe("api  | api-1\ndb   | db-1\napi  | api-oops\ndb   | db-2\napi  | api-3\n");
      expect((await run(["--all", "-n", "1"])).stdout).toBe("db   | db-2\napi  | api-3\n");
      expect((await run(["--all", "--since", "1h", "--stream", "stdout", "-n", "1"])).stdout).toBe("db   | db-2\napi  | api-3\n");
      expect((await run(["--all", "--since", "2999-01-01T00:00:00Z"])).stdout).toBe("");
      const json = (await run(["db", "--json"])).stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
      expect(json.map((j) => [j.name, j.stream, j.text])).toEqual([["db", "stdout", "db-1"], ["db", "stdout", "db-2"]]);
      expect(Math.abs(json[0].time - Date.parse(json[0].ts))).toBeLessThan(1);
      expect(Object.keys(json[0])).toEqual(["project", "name", "time", "ts", "stream", "text"]);
      expect(json[0].project).toBe(projectOf(t.home));
    };
    await check();
    expect((await tend(["stop"], { env: t.env })).code).toBe(0);
    await check();
  }, 20_000);

  test("colours names like the foreground when forced, never with NO_COLOR", async () => {
    await startWith(TWO_JOBS);
    await settled("api", "db");
    const env = { ...t.env, FORCE_COLOR: "1" };
    delete (env as Record<string, string | undefined>).NO_COLOR;
    const coloured = (await run(["api", "db", "-n", "1"], env)).stdout;
    expect(coloured).toContain("\x1b[");
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, "")).toBe("db   | db-2\napi  | api-3\n");
    expect((await run(["api", "db", "-n", "1"])).stdout).not.toContain("\x1b[");
  });

  test("errors: unknown names list the known ones, with or without a supervisor; bad usage exits 2", async () => {
    await startWith(TWO_JOBS);
    await settled("api", "db");
    const live = await run(["api", "nope"]);
    const known = `known: ${projectOf(t.home)}/api, ${projectOf(t.home)}/db`;
    expect(live).toEqual({ code: 1, stdout: "", stderr: `tend: no process named "nope" (${known})\n` });
    expect((await tend(["stop"], { env: t.env })).code).toBe(0);
    const offline = await run(["nope"]);
    expect(offline).toEqual({ code: 1, stdout: "", stderr: `tend: no process named "nope" (${known})\n` });
    for (const args of [[], ["api", "--all"], ["api", "-n", "x"], ["api", "--since", "soon"], ["api", "--stream", "both"]]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
    expect((await run([])).stderr).toBe('tend: give one or more names, or --all (see "tend logs --help")\n');
  });

  test("-f with no supervisor prints the history and says so only when the record says it still ran", async () => {
    await startWith(`${TWO_JOBS}\n[processes.sleeper]\ncommand = "echo zzz; exec sleep 300"\n`);
    await settled("api", "db");
    await Bun.sleep(200);
    const info = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8"));
    process.kill(info.pid, "SIGKILL");
    await waitFor("supervisor gone", () => !isLiveProcess(info.pid));
    expect(await run(["api", "-f", "-n", "1"])).toEqual({ code: 0, stdout: "api-3\n", stderr: "" });
    const sleeper = await run(["sleeper", "-f"]);
    expect(sleeper.code).toBe(0);
    expect(sleeper.stdout).toBe("zzz\n");
    expect(sleeper.stderr).toBe(`tend: no supervisor is running, so nothing more will come (${projectOf(t.home)}/sleeper was still running when last recorded; see "tend status")\n`);
    expect(await t.reap()).toHaveLength(1);
  });

  test("rotated files are read oldest first, after the supervisor stopped too", async () => {
    await startWith(`[processes.chatty]\ncommand = "seq 1 400"\nrestart = "no"\nlog = { max_size = "2KiB", max_files = 3 }\n`);
    await settled("chatty");
    expect(readdirSync(projectLogs(t.home, t.home)).sort()).toEqual(["chatty.log", "chatty.log.1", "chatty.log.2"]);
    for (const stopped of [false, true]) {
      if (stopped) expect((await tend(["stop"], { env: t.env })).code).toBe(0);
      const lines = (await run(["chatty"])).stdout.trimEnd().split("\n").map(Number);
      expect(lines.at(-1)).toBe(400);
      expect(lines).toEqual(Array.from({ length: lines.length }, (_, i) => 401 - lines.length + i));
      expect((await run(["chatty", "-n", "3"])).stdout).toBe("398\n399\n400\n");
    }
  });
});
