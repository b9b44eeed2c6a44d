import { readFileSync } from "node:fs";
import { procStatFields } from "./proc-stat.linux";

// starttime (field 22) counts clock ticks since boot, so it only identifies a
// process together with the boot it belongs to.
const STARTTIME_INDEX = 22 - 3;
const STATE_INDEX = 0;

let bootId: string | undefined;

export function linuxProcessStartTime(pid: number): string | null {
  const fields = procStatFields(pid);
  const ticks = fields?.[STARTTIME_INDEX];
  if (ticks === undefined) return null;
  return `${currentBootId()}:${ticks}`;
}

export function linuxIsZombie(pid: number): boolean {
  return procStatFields(pid)?.[STATE_INDEX] === "Z";
}

function currentBootId(): string {
  bootId ??= readBootId();
  return bootId;
}

function readBootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "latin1").trim();
  } catch {}
  // Some sandboxes hide boot_id; the boot time in seconds is the next best thing.
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "latin1"));
    if (btime) return `btime-${btime[1]}`;
  } catch {}
  return "unknown-boot";
}
