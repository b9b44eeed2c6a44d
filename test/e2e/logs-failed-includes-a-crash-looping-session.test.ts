import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { githubActions, tend } from "../helpers/tend-cli";

/**
 * `tend logs --failed` — what the GitHub Action prints when a job fails — must show a session
 * that keeps crashing under `--restart on-failure`, whether it is waiting to restart or
 * running again after failed runs; a healthy or cleanly restarting one stays out.
 */
const t = useTendHome({ killAll: { grace: "0s" }, stop: true });
const gha = () => githubActions(t.env, true);
const plain = () => githubActions(t.env, false);

async function status(name: string): Promise<{ state: string; restarts: number }> {
  const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  return ps.processes.find((p: { name: string }) => p.name === name);
}

test("a session crashing in a loop counts as failed while it waits to restart and once it runs again", async () => {
  const bg = (...args: string[]) => tend(["bg", ...args], { env: t.env });
  expect((await bg("--name", "healthy", "--restart", "on-failure", "--", "sh", "-c", "echo serving; exec sleep 60")).code).toBe(0);
  const none = await tend(["logs", "--failed"], { env: plain() });
  expect(none).toMatchObject({ code: 0, stdout: "", stderr: "tend: no process has failed (1 checked)\n" });

  // Crashes on its first run once told to, then runs on: in backoff for 2 s, then running after
  // a failure. The gate keeps the 2 s of backoff for the checks, not for starting the others.
  const go = path.join(t.home, "go");
  const worker = `echo "run $TEND_RESTARTS"; [ "$TEND_RESTARTS" -ge 1 ] && exec sleep 60; while [ ! -e ${go} ]; do sleep 0.05; done; echo crashed >&2; exit 1`;
  expect((await bg("--name", "worker", "--restart", "on-failure", "--", "sh", "-c", worker)).code).toBe(0);
  expect((await bg("--name", "ticker", "--restart", "always", "--", "sh", "-c", "echo tick")).code).toBe(0);

  await waitFor("ticker waiting to restart after a clean exit", async () => (await status("ticker")).state === "backoff");
  writeFileSync(go, "");
  await waitFor("worker waiting to restart", async () => (await status("worker")).state === "backoff");
  const backoff = await tend(["logs", "--failed"], { env: gha() });
  expect(backoff.stdout).toBe("::group::worker (exit 1, restarting)\nrun 0\ncrashed\n::endgroup::\n");

  await waitFor("worker running again", async () => (await status("worker")).state === "running" && (await tend(["logs", "worker"], { env: t.env })).stdout.includes("run 1"), 10_000);
  const again = await tend(["logs", "--failed"], { env: gha() });
  expect(again.stdout).toBe("::group::worker (running after 1 restart)\nrun 0\ncrashed\nrun 1\n::endgroup::\n");
  expect((await tend(["logs", "--failed"], { env: plain() })).stdout).toBe("worker | run 0\nworker | crashed\nworker | run 1\n");
}, 20_000);
