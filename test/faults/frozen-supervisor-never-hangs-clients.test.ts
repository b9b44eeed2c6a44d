import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const TIMEOUT_S = 1;
/** What a client may take beyond its timeout: start-up, the offline work, a loaded machine. */
const SLACK_MS = 4000;

let frozen = 0;
const t = useTendHome({
  // Whatever the test did, the supervisor goes on again before the home is checked.
  beforeReap: () => {
    if (frozen && isLiveProcess(frozen)) process.kill(frozen, "SIGCONT");
  },
  killAll: { grace: "1s" },
});
afterEach(() => {
  frozen = 0;
});

async function timed(args: string[]) {
  const started = Date.now();
  const run = await tend(args, { env: { ...t.env, TEND_TIMEOUT: `${TIMEOUT_S}s` }, timeoutMs: 30_000 });
  return { ...run, ms: Date.now() - started };
}

test("with the supervisor frozen, every client answers within its timeout, and kill --all ends everything", async () => {
  expect((await tend(["bg", "--name", "web", "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  const { pid } = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8"));
  const web = JSON.parse((await tend(["status", "--json"], { env: t.env })).stdout).processes[0].pid;
  process.kill(pid, "SIGSTOP");
  frozen = pid;

  const [ps, stop, bg, logs] = await Promise.all([
    timed(["ps"]),
    timed(["stop"]),
    timed(["bg", "--name", "more", "--", "sleep", "60"]),
    timed(["logs", "web"]),
  ]);
  const silent = `the supervisor (pid ${pid}) does not answer`;
  for (const run of [ps, stop, bg, logs]) expect(run.ms).toBeLessThan(TIMEOUT_S * 1000 + SLACK_MS);
  const said = (run: { code: number; stdout: string; stderr: string }) => [run.code, run.stdout.includes(silent) || run.stderr.includes(silent)];
  expect(said(ps)).toEqual([0, true]);
  expect(ps.stdout).toContain("web");
  expect(said(stop)).toEqual([1, true]);
  expect(said(bg)).toEqual([1, true]);
  // Its log files are still there to read.
  expect(said(logs)).toEqual([0, true]);

  const kill = await timed(["kill", "--all"]);
  expect(kill.ms).toBeLessThan(TIMEOUT_S * 1000 + SLACK_MS);
  expect(kill.code).toBe(0);
  expect(kill.stdout + kill.stderr).toContain(`ended the supervisor (pid ${pid}), which did not answer`);
  await waitFor("the supervisor and its session gone", () => !isLiveProcess(pid) && !isLiveProcess(web), 3000);
  expect((await tend(["ps"], { env: t.env })).stdout).toContain("supervisor: not running");
}, 30_000);

test("TEND_TIMEOUT must be a duration", async () => {
  const run = await tend(["ps"], { env: { ...t.env, TEND_TIMEOUT: "soon" } });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("TEND_TIMEOUT=soon");
});
