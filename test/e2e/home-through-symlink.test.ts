import { expect, test } from "bun:test";
import { realpathSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { homeId, MARKER_ENV } from "../../src/platform/process-marker";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "0s" }, stop: true });

test("kill --all through a symlink to the home ends the strays started under its real path", async () => {
  const real = realpathSync(t.home);
  const link = `${t.home}-link`;
  symlinkSync(real, link);
  try {
    // A process of this home that no record names, as a supervisor lost mid-write leaves.
    const stray = Bun.spawn({ cmd: ["sleep", "30"], env: { ...t.env, [MARKER_ENV]: `${homeId(real)}/ghost/0123456789ab` }, stdin: "ignore", detached: true });
    await waitFor("stray running", () => isLiveProcess(stray.pid));

    const viaLink = { ...t.env, TEND_HOME: link };
    const kill = await tend(["kill", "--all", "--grace", "0s", "--json"], { env: viaLink });
    expect(kill.code).toBe(0);
    expect(JSON.parse(kill.stdout).strays).toEqual([stray.pid]);
    await stray.exited;
  } finally {
    rmSync(link, { force: true });
  }
}, 20_000);

test("sessions started through a symlink and through the real path share one supervisor", async () => {
  const link = `${t.home}-link`;
  symlinkSync(realpathSync(t.home), link);
  try {
    const viaLink = { ...t.env, TEND_HOME: link };
    expect((await tend(["bg", "--name", "a", "--", "sleep", "30"], { env: viaLink })).code).toBe(0);
    expect((await tend(["bg", "--name", "b", "--", "sleep", "30"], { env: t.env })).code).toBe(0);
    const ps = JSON.parse((await tend(["ps", "--json"], { env: viaLink })).stdout);
    expect(ps.processes.map((p: { name: string }) => p.name).sort()).toEqual(["a", "b"]);
    expect(ps.supervisor.socket).toBe(path.join(realpathSync(t.home), "tend.sock"));
  } finally {
    rmSync(link, { force: true });
  }
}, 20_000);
