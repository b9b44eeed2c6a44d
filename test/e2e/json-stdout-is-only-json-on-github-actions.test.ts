import { beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { freePort } from "../helpers/free-port";
import { githubActions, tend, type RunResult } from "../helpers/tend-cli";

/**
 * Under GitHub Actions, with `--json`, stdout is JSON and nothing else — one document, or
 * NDJSON for `logs` — whether the command succeeds or fails: annotations and human lines go to
 * stderr, and a failure is an `{"error": …}` document.
 */
const t = useTendHome({ perFile: true, killAll: { grace: "0s" }, stop: true, timeoutMs: 30_000 });
const gha = () => githubActions(t.env, true);
const run = (...args: string[]) => tend(args, { env: gha(), cwd: t.home });

function oneDocument(r: RunResult): any {
  expect(r.stdout).not.toContain("::");
  return JSON.parse(r.stdout);
}

function ndjson(r: RunResult): any[] {
  expect(r.stdout).not.toContain("::");
  return r.stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

function errorDocument(r: RunResult, code: string, exit: number): void {
  expect(r.code).toBe(exit);
  expect(oneDocument(r).error.code).toBe(code);
  expect(r.stderr).toStartWith("tend: ");
}

let closedPort = 0;
beforeAll(async () => {
  closedPort = await freePort();
  expect((await run("bg", "--name", "ok", "--", "sh", "-c", "echo fine")).code).toBe(0);
  expect((await run("bg", "--name", "bad", "--", "sh", "-c", "echo broken >&2; exit 1")).code).toBe(0);
  expect((await run("bg", "--name", "term", "--tty", "--", "sh", "-c", "echo on a terminal; sleep 60")).code).toBe(0);
  await waitFor("ok and bad to end", async () => {
    const ps = oneDocument(await run("ps", "--json"));
    return ["ok", "bad"].every((n) => ps.processes.some((p: { name: string; state: string }) => p.name === n && (p.state === "exited" || p.state === "crashed")));
  });
}, 30_000);

test("bg --json: started, ready, not ready (with its ::error:: on stderr), name taken, bad name", async () => {
  const started = await run("bg", "--json", "--name", "idle", "--", "sleep", "60");
  expect(started.code).toBe(0);
  expect(oneDocument(started)).toMatchObject({ name: "idle", state: "running" });

  const ready = await run("bg", "--json", "--name", "talker", "--ready-log", "up", "--", "sh", "-c", "echo up; sleep 60");
  expect(ready.code).toBe(0);
  expect(oneDocument(ready)).toMatchObject({ name: "talker", ready: true });

  const notReady = await run("bg", "--json", "--name", "never", "--ready-port", String(closedPort), "--timeout", "300ms", "--", "sleep", "60");
  expect(notReady.code).toBe(1);
  expect(oneDocument(notReady)).toMatchObject({ name: "never", ready: false });
  expect(notReady.stderr).toContain("::error title=tend::never not ready after 300ms");

  errorDocument(await run("bg", "--json", "--name", "idle", "--", "sleep", "60"), "name_taken", 1);
  errorDocument(await run("bg", "--json", "--name", "-bad", "--", "sleep", "60"), "usage", 2);
  errorDocument(await run("bg", "--json", "--name", "x", "--", "no-such-command-here"), "spawn_failed", 1);
}, 30_000);

test("wait --json: ready, not ready, --exit of a clean and a failed end, an unknown name", async () => {
  const ready = await run("wait", "talker", "--json");
  expect(ready.code).toBe(0);
  expect(oneDocument(ready)).toMatchObject({ ready: true, processes: [{ name: "talker", ready: true }] });
  const notReady = await run("wait", "talker", "never", "--json");
  expect(notReady.code).toBe(1);
  expect(oneDocument(notReady)).toMatchObject({ ready: false, processes: [{ name: "talker", ready: true }, { name: "never", ready: false }] });
  expect(notReady.stderr).toContain("::error title=tend::never");
  const clean = await run("wait", "ok", "--exit", "--json");
  expect(clean.code).toBe(0);
  expect(oneDocument(clean)).toMatchObject({ name: "ok", ended: true, status: 0 });
  const failed = await run("wait", "bad", "--exit", "--json");
  expect(failed.code).toBe(1);
  expect(oneDocument(failed)).toMatchObject({ name: "bad", ended: true, exitCode: 1 });
  errorDocument(await run("wait", "nosuch", "--json"), "not_found", 1);
}, 20_000);

test("run --json: the command's output and the failure's log dump go to stderr", async () => {
  const ok = await run("run", "--json", "--", "sh", "-c", "echo from the command");
  expect(ok.code).toBe(0);
  expect(oneDocument(ok)).toMatchObject({ ran: true, status: 0 });
  expect(ok.stderr).toContain("from the command");
  const failed = await run("run", "--json", "--", "sh", "-c", "exit 3");
  expect(failed.code).toBe(3);
  expect(oneDocument(failed)).toMatchObject({ ran: true, status: 3, exitCode: 3 });
  expect(failed.stderr).toContain("::group::bad (exit 1)\nbroken\n::endgroup::");
  const missing = await run("run", "--json", "--", "no-such-command-here");
  expect(missing.code).toBe(127);
  expect(oneDocument(missing)).toMatchObject({ ran: false, status: 127 });
  const notReady = await run("run", "--json", "--name", "never", "--", "true");
  expect(notReady.code).toBe(1);
  expect(oneDocument(notReady)).toMatchObject({ ran: false, status: 1 });
  errorDocument(await run("run", "--json", "--tail", "many", "--", "true"), "usage", 2);
}, 20_000);

test("status --json, with a supervisor and with none", async () => {
  const ps = await run("status", "--json");
  expect(ps.code).toBe(0);
  expect(oneDocument(ps).supervisor.state).toBe("running");
  const other = path.join(t.home, "empty-home");
  mkdirSync(other, { mode: 0o700 });
  const none = await tend(["ps", "--json"], { env: { ...gha(), TEND_HOME: other } });
  expect(none.code).toBe(0);
  expect(oneDocument(none).supervisor.state).toBe("stopped");
});

test("logs --json: one name, --all, --failed (NDJSON), and an unknown name", async () => {
  for (const args of [["ok"], ["--all"], ["--failed"], ["--all", "-n", "1"]]) {
    const r = await run("logs", "--json", ...args);
    expect(r.code).toBe(0);
    expect(ndjson(r).length).toBeGreaterThan(0);
  }
  expect(ndjson(await run("logs", "--json", "--failed")).map((e) => e.name)).toEqual(["bad"]);
  errorDocument(await run("logs", "--json", "nosuch"), "not_found", 1);
});

test("capture --json: a terminal session, and one without a terminal", async () => {
  await waitFor("the terminal's first line", async () => (await run("capture", "term")).stdout.includes("on a terminal"));
  const screen = await run("capture", "term", "--json");
  expect(screen.code).toBe(0);
  expect(oneDocument(screen).name).toBe("term");
  errorDocument(await run("capture", "idle", "--json"), "no_screen", 1);
});

test("check --json: a valid config and an invalid one", async () => {
  const dir = path.join(t.home, "project");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "Procfile"), "web: sleep 60\n");
  const ok = await run("check", "--json", "--dir", dir);
  expect(ok.code).toBe(0);
  expect(oneDocument(ok).processes[0].name).toBe("web");
  writeFileSync(path.join(dir, "tend.toml"), '[processes.web]\ncommand = "true"\nrestart = "sometimes"\n');
  errorDocument(await run("check", "--json", "--dir", dir), "config", 2);
});

test("version --json", async () => {
  const r = await run("version", "--json");
  expect(r.code).toBe(0);
  expect(oneDocument(r).version).toMatch(/^\d+\.\d+\.\d+/);
});

test("kill --json and stop --json: named, an unknown name, a bad flag, --all, then stop twice", async () => {
  const one = await run("kill", "--json", "idle", "--grace", "0s");
  expect(one.code).toBe(0);
  expect(oneDocument(one).killed.map((k: { name: string }) => k.name)).toEqual(["idle"]);
  errorDocument(await run("kill", "--json", "nosuch"), "not_found", 1);
  errorDocument(await run("kill", "--json", "--all", "--grace", "soon"), "usage", 2);
  const all = await run("kill", "--json", "--all", "--grace", "0s");
  expect(all.code).toBe(0);
  expect(oneDocument(all).killed.length).toBeGreaterThan(0);
  const stopped = await run("stop", "--json");
  expect(stopped.code).toBe(0);
  expect(oneDocument(stopped).outcome).toBe("stopped");
  expect(oneDocument(await run("stop", "--json"))).toEqual({ outcome: "not-running" });
}, 20_000);
