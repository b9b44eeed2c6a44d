import { readdirSync } from "node:fs";
import { isAlive, isZombie } from "./proc-identity";
import { procStatFields } from "./proc-stat.linux";
import { groupAlive } from "./process-group";

/**
 * Liveness that ignores zombies. An orphaned grandchild is re-parented to PID 1, and where
 * PID 1 does not reap (minimal containers, CI sandboxes) it lingers as a zombie that still
 * answers kill(pid, 0) — which would make every "is it gone yet?" loop wait forever.
 */
export function isLiveProcess(pid: number): boolean {
  return isAlive(pid) && !isZombie(pid);
}

/** Members of a process group that are still running (not zombies). */
export function liveGroupMembers(pgid: number): number[] {
  if (!groupAlive(pgid)) return [];
  if (process.platform !== "linux") return [pgid];
  const live: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const fields = procStatFields(pid);
    // After ")": state, ppid, pgrp.
    if (fields && fields[0] !== "Z" && Number(fields[2]) === pgid) live.push(pid);
  }
  return live;
}
