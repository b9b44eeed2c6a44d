import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome();

test("a supervisor.json that names a live pid without its start time is stale: stop signals nothing", async () => {
  const stranger = Bun.spawn({ cmd: ["sleep", "30"], env: t.env });
  try {
    const info = { pid: stranger.pid, version: "0.0.0", name: null, dir: t.home, socket: path.join(t.home, "tend.sock"), startedAt: Date.now(), mode: "start", detached: true };
    writeFileSync(path.join(t.home, "supervisor.json"), JSON.stringify(info), { mode: 0o600 });
    const stop = await tend(["stop"], { env: t.env, timeoutMs: 10_000 });
    expect(stop.code).toBe(0);
    expect(stop.stdout + stop.stderr).toContain(`stale state cleaned up (supervisor pid ${stranger.pid} cannot be proven to be a supervisor: no start time recorded)`);
    await Bun.sleep(100);
    expect(isLiveProcess(stranger.pid)).toBe(true);
  } finally {
    stranger.kill("SIGKILL");
    await stranger.exited;
  }
});
