import { expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { findProcessesWithEnvPrefix } from "../../src/platform/marker-scan";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: true, stop: true });
const root = process.getuid?.() === 0;
if (!root) console.warn("skipping the read-only home test: making a folder read-only under a running supervisor needs root (mount --bind)");

async function twoSessions(): Promise<number> {
  for (const args of [["--name", "chat", "--", "sh", "-c", "while true; do echo line; sleep 0.01; done"], ["--name", "idle", "--", "sleep", "300"]]) {
    expect((await tend(["bg", ...args], { env: t.env })).code).toBe(0);
  }
  return JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8")).pid;
}

const sessionsOfHome = () => findProcessesWithEnvPrefix("TEND_HOME", t.home).map((p) => p.pid);

test.skipIf(!root)("a home turned read-only: stop still ends everything, and says what it could not remove", async () => {
  const supervisor = await twoSessions();
  // A bind mount of the home over itself, then read-only: what the supervisor opens from now on
  // is refused with EROFS (the files it holds open stay writable, as on a remount).
  execFileSync("mount", ["--bind", t.home, t.home]);
  try {
    execFileSync("mount", ["-o", "remount,ro,bind", t.home]);
    const stop = await tend(["stop"], { env: t.env, timeoutMs: 15_000 });
    expect(stop.code).toBe(0);
    expect(stop.stderr + stop.stdout).toContain(`could not remove ${path.join(t.home, "supervisor.json")} and the socket: read-only file system`);
    expect(isLiveProcess(supervisor)).toBe(false);
    expect(sessionsOfHome()).toEqual([]);
    // Commands that only look still work, and say what is stale.
    const ps = await tend(["ps"], { env: t.env });
    expect(ps.code).toBe(0);
    expect(ps.stdout).toContain("read-only file system");
  } finally {
    execFileSync("umount", ["-l", t.home]);
  }
}, 30_000);

test("a home removed under a running supervisor: it stops every process and leaves", async () => {
  const supervisor = await twoSessions();
  rmSync(t.home, { recursive: true, force: true });
  await waitFor("the supervisor gone", () => !isLiveProcess(supervisor), 10_000);
  await waitFor("its sessions gone", () => sessionsOfHome().length === 0, 5000);
}, 30_000);
