import { expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { sandboxProblem } from "../../src/platform/sandbox";
import { useTendHome, writtenPids } from "../helpers/home";
import { FIXTURES, tend } from "../helpers/tend-cli";

const problem = sandboxProblem({ mode: "workspace-write", allowNet: false });
if (problem) console.log(`sandbox-sessions.test: sandboxed-session tests skipped: ${problem}`);

const cleanup: Array<() => void> = [];
const t = useTendHome({
  beforeReap: () => {
    for (const f of cleanup.splice(0)) f();
  },
  killAll: { grace: "500ms" },
  stop: true,
});

test.skipIf(problem !== null)("a sandboxed session that ignores SIGTERM and forks is ended completely by tend kill; ps says it is confined", async () => {
  // Outside TEND_HOME, which a sandboxed process cannot see.
  const work = mkdtempSync(path.join(os.tmpdir(), "tend-sandbox-work-"));
  cleanup.push(() => rmSync(work, { recursive: true, force: true }));
  const pids = path.join(work, "pids");
  // Inside the sandbox /tmp is private: a checkout under /tmp would be invisible, the workspace is not.
  const script = path.join(work, "stubborn.sh");
  copyFileSync(path.join(FIXTURES, "ignore-term-with-grandchild.sh"), script);
  const r = await tend(["bg", "--name", "boxed", "--sandbox", "--cwd", work, "-e", `PIDS_FILE=${pids}`, "--", script], { env: t.env });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const ps = await tend(["ps"], { env: t.env });
  expect(ps.stdout).toContain("sandbox: workspace-write");
  const json = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  expect(json.processes[0].sandbox).toMatchObject({ mode: "workspace-write", allowNet: false });
  // The pids the script sees are in its own pid namespace; find the host's by marker instead.
  await writtenPids(pids, 2);
  const marker = json.processes[0].marker as string;
  const { findProcessesWithEnv } = await import("../../src/platform/marker-scan");
  const tree = findProcessesWithEnv("TEND_PROCESS_ID", marker);
  expect(tree.length).toBeGreaterThanOrEqual(3);
  const kill = await tend(["kill", "boxed", "--grace", "500ms"], { env: t.env });
  expect(kill.code).toBe(0);
  expect(tree.filter(isLiveProcess)).toEqual([]);
}, 20_000);

test("with bwrap hidden from PATH, bg --sandbox exits 1 with the install hint and creates no session", async () => {
  // A PATH with the usual tools but no bwrap.
  const bin = path.join(t.home, "bin");
  mkdirSync(bin);
  for (const tool of ["sh", "env", "true", "sleep"]) symlinkSync(Bun.which(tool)!, path.join(bin, tool));
  writeFileSync(path.join(t.home, "marker"), "");
  const r = await tend(["bg", "--name", "nobox", "--sandbox", "--", "true"], { env: { ...t.env, PATH: bin } });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("--sandbox needs bubblewrap (bwrap)");
  expect(r.stderr).toContain("apt-get install bubblewrap");
  const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  expect(ps.processes).toEqual([]);
}, 20_000);
