import path from "node:path";
import { TendError } from "../core/errors";
import type { SupervisorInfo } from "../core/supervisor-info";
import { withLock } from "../platform/lock";
import { ensureHome, type HomeLayout } from "../platform/paths";
import { clearSupervisorState, readSupervisorState } from "../platform/supervisor-file";
import { launchSupervisor } from "./launch";

/**
 * The running supervisor, started on demand (detached, leaving by itself once idle) if none
 * runs. Concurrent callers serialise on a launch lock, so 50 parallel `tend bg` start one.
 */
export async function ensureSupervisor(paths: HomeLayout, dir: string): Promise<SupervisorInfo> {
  const state = readSupervisorState(paths);
  if (state.kind === "running") return state.info;
  return launchOnce(paths, dir);
}

/**
 * After the supervisor answered that it is stopping: wait until it is gone, then start a new
 * one (or use whichever another invocation started meanwhile).
 */
export async function replaceStoppingSupervisor(paths: HomeLayout, dir: string, stoppingPid: number): Promise<SupervisorInfo> {
  const deadline = Date.now() + STOPPING_WAIT_MS;
  for (;;) {
    const state = readSupervisorState(paths);
    if (state.kind === "running" && state.info.pid !== stoppingPid) return state.info;
    if (state.kind !== "running") return launchOnce(paths, dir);
    if (Date.now() > deadline) {
      throw new TendError(`the supervisor (pid ${stoppingPid}) is still stopping`, "shutting_down", "try again once it has stopped");
    }
    await Bun.sleep(50);
  }
}

const STOPPING_WAIT_MS = 120_000;

function launchOnce(paths: HomeLayout, dir: string): Promise<SupervisorInfo> {
  ensureHome(paths.home);
  return withLock(path.join(paths.home, "launch.lock"), async () => {
    const again = readSupervisorState(paths);
    if (again.kind === "running") return again.info;
    if (again.kind === "stale") clearSupervisorState(paths, again.info);
    return launchSupervisor(paths, { dir, name: null, mode: "on-demand" });
  }, 30_000);
}
