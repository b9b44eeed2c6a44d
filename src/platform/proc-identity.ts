import { darwinProcessStartTime } from "./proc-start-time.darwin";
import { linuxIsZombie, linuxProcessStartTime } from "./proc-start-time.linux";

// Elsewhere there is no start time to read; an alive pid then matches only itself,
// which degrades to a plain pid check rather than calling every process stale.
const UNKNOWN_START = "unknown";

export function processStartTime(pid: number): string | null {
  if (!isValidPid(pid)) return null;
  if (process.platform === "linux") return linuxProcessStartTime(pid);
  if (process.platform === "darwin") return darwinProcessStartTime(pid);
  return isAlive(pid) ? UNKNOWN_START : null;
}

export function isZombie(pid: number): boolean {
  return process.platform === "linux" && isValidPid(pid) && linuxIsZombie(pid);
}

export function isAlive(pid: number): boolean {
  // 0 and negative numbers would address process groups, not one process.
  if (!isValidPid(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function isSameProcess(pid: number, startTime: string): boolean {
  return isAlive(pid) && processStartTime(pid) === startTime;
}

function isValidPid(pid: number): boolean {
  return Number.isSafeInteger(pid) && pid > 0;
}
