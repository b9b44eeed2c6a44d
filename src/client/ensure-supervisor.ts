import path from "node:path";
import type { SupervisorInfo } from "../core/supervisor-info";
import { withLock } from "../platform/lock";
import { ensureDir, type HomeLayout } from "../platform/paths";
import { clearSupervisorState, readSupervisorState } from "../platform/supervisor-file";
import { launchSupervisor } from "./launch";

/**
 * The running supervisor, started on demand (detached, leaving by itself once idle) if none
 * runs. Concurrent callers serialise on a launch lock, so 50 parallel `tend bg` start one.
 */
export async function ensureSupervisor(paths: HomeLayout, dir: string): Promise<SupervisorInfo> {
  const state = readSupervisorState(paths);
  if (state.kind === "running") return state.info;
  ensureDir(paths.home);
  return withLock(path.join(paths.home, "launch.lock"), async () => {
    const again = readSupervisorState(paths);
    if (again.kind === "running") return again.info;
    if (again.kind === "stale") clearSupervisorState(paths, again.info);
    return launchSupervisor(paths, { dir, name: null, mode: "on-demand" });
  }, 30_000);
}
