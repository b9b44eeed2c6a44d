import { beforeEach, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { processStartTime } from "../../src/platform/proc-identity";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { projectOf, tend } from "../helpers/tend-cli";

// Some tests here SIGKILL a supervisor and leave its worker for the reap to end.
const t = useTendHome({ allowLeftovers: true });
beforeEach(() => {
  writeFileSync(path.join(t.home, "Procfile"), "sleeper: sleep 300\n");
});

test("a SIGKILLed detached supervisor is reported stale by status, which cleans up", async () => {
  expect((await tend(["start", "-d", "--dir", t.home], { env: t.env })).code).toBe(0);
  const info = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8"));
  process.kill(info.pid, "SIGKILL");
  await waitFor("supervisor gone", () => !isLiveProcess(info.pid));

  const status = await tend(["status"], { env: t.env });
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(`stale state cleaned up (supervisor pid ${info.pid} is not running)`);
  expect(existsSync(path.join(t.home, "supervisor.json"))).toBe(false);
  expect((await tend(["status"], { env: t.env })).stdout).not.toContain("stale");
  // The orphaned worker is reaped by afterEach; finding it again is the sessions' `kill --all`.
});

test("a pid now used by another program is stale, not running", async () => {
  const stranger = Bun.spawn({ cmd: ["sleep", "30"], env: t.env });
  try {
    const info = {
      pid: stranger.pid,
      pidStartTime: `${processStartTime(stranger.pid)}-but-not-this-one`,
      version: "0.0.0",
      name: null,
      dir: t.home,
      socket: path.join(t.home, "tend.sock"),
      startedAt: Date.now() - 60_000,
      mode: "start",
      detached: true,
    };
    writeFileSync(path.join(t.home, "supervisor.json"), JSON.stringify(info));
    const status = await tend(["status"], { env: t.env });
    expect(status.stdout).toContain(`stale state cleaned up (supervisor pid ${stranger.pid} now belongs to another program)`);
    const stop = await tend(["stop"], { env: t.env });
    expect(stop.code).toBe(0);
    expect(stop.stdout + stop.stderr).toContain("not running");
    expect(isLiveProcess(stranger.pid)).toBe(true);
  } finally {
    stranger.kill("SIGKILL");
  }
});

test("a corrupt supervisor.json is reported and set aside, without a stack trace", async () => {
  writeFileSync(path.join(t.home, "supervisor.json"), "{ not json");
  const status = await tend(["status"], { env: t.env });
  expect(status.code).toBe(0);
  expect(status.stdout).toContain("corrupt supervisor.json set aside as");
  expect(status.stdout + status.stderr).not.toContain("    at ");
  expect(readdirSync(t.home).some((f) => f.startsWith("supervisor.json.corrupt-"))).toBe(true);
  expect(existsSync(path.join(t.home, "supervisor.json"))).toBe(false);
});

test("the same config started twice is refused by name: one supervisor, nothing started twice", async () => {
  expect((await tend(["start", "-d", "--dir", t.home], { env: t.env })).code).toBe(0);
  const again = await tend(["start", "-d", "--dir", t.home], { env: t.env });
  expect(again.code).toBe(1);
  expect(again.stderr).toStartWith(`tend: project ${projectOf(t.home)} is already running under the supervisor`);
  const status = JSON.parse((await tend(["status", "--json"], { env: t.env })).stdout);
  expect(status.processes).toHaveLength(1);
  expect((await tend(["stop"], { env: t.env })).code).toBe(0);
});
