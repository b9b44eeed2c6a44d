import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ stop: true });

async function states(): Promise<Record<string, string>> {
  const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  return Object.fromEntries(ps.processes.map((p: { name: string; state: string }) => [p.name, p.state]));
}

test("--capacity 2 queues the third session and starts it, first in first out, when a slot frees", async () => {
  expect((await tend(["start", "-d", "--capacity", "2", "--dir", t.home], { env: t.env })).code).toBe(0);
  for (const n of ["a", "b", "c", "d"]) expect((await tend(["bg", "--name", n, "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  expect(await states()).toEqual({ a: "running", b: "running", c: "queued", d: "queued" });
  expect((await tend(["kill", "a"], { env: t.env })).code).toBe(0);
  await waitFor("c running", async () => (await states()).c === "running");
  expect(await states()).toEqual({ b: "running", c: "running", d: "queued" });
}, 30_000);

test("--spawn-mode worktree runs each process in its own worktree, removed on kill unless it holds changes", async () => {
  const repo = path.join(t.home, "repo");
  mkdirSync(repo);
  const git = (...args: string[]) => Bun.spawnSync({ cmd: ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", ...args], cwd: repo });
  git("init", "-q");
  writeFileSync(path.join(repo, "README"), "hello\n");
  git("add", ".");
  git("commit", "-qm", "init");

  expect((await tend(["start", "-d", "--spawn-mode", "worktree", "--dir", repo], { env: t.env })).code).toBe(0);
  const bg = (name: string, script: string) => tend(["bg", "--name", name, "--cwd", repo, "--", "sh", "-c", script], { env: t.env });
  expect((await bg("clean", "pwd > /dev/null; sleep 60")).code).toBe(0);
  expect((await bg("dirty", "echo change >> README; sleep 60")).code).toBe(0);
  const wt = (n: string) => path.join(t.home, "worktrees", n);
  await waitFor("dirty wrote", () => existsSync(path.join(wt("dirty"), "README")) && readFileSync(path.join(wt("dirty"), "README"), "utf8").includes("change"));
  expect(readFileSync(path.join(repo, "README"), "utf8")).toBe("hello\n");
  expect(existsSync(wt("clean"))).toBe(true);

  expect((await tend(["kill", "clean", "dirty"], { env: t.env })).code).toBe(0);
  expect(existsSync(wt("clean"))).toBe(false);
  expect(existsSync(wt("dirty"))).toBe(true);
  const log = readFileSync(path.join(t.home, "supervisor.log"), "utf8");
  expect(log).toContain(`dirty: worktree kept at ${wt("dirty")}: it holds changes`);
}, 30_000);

test("--spawn-mode worktree outside a git repository is a clear usage error", async () => {
  const r = await tend(["start", "-d", "--spawn-mode", "worktree", "--dir", t.home], { env: t.env });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("needs a git repository");
});

test("a second start hands its processes to the running supervisor", async () => {
  const a = path.join(t.home, "a");
  const b = path.join(t.home, "b");
  mkdirSync(a);
  mkdirSync(b);
  writeFileSync(path.join(a, "Procfile"), "one: sleep 60\n");
  writeFileSync(path.join(b, "Procfile"), "two: sleep 60\n");
  expect((await tend(["start", "-d", "--dir", a], { env: t.env })).code).toBe(0);
  const second = await tend(["start", "-d", "--dir", b], { env: t.env });
  expect(second.code).toBe(0);
  expect(second.stdout).toContain("to the running supervisor");
  expect(await states()).toEqual({ one: "running", two: "running" });
  const third = await tend(["start", "-d", "--dir", a], { env: t.env });
  expect(third.code).toBe(1);
  expect(third.stderr).toContain('project a is already running under the supervisor');
}, 30_000);
