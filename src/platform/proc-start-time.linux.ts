import { readFileSync } from "node:fs";

// starttime (field 22) counts clock ticks since boot, so it only identifies a
// process together with the boot it belongs to.
const STARTTIME_INDEX = 22 - 3;
const STATE_INDEX = 0;

let bootId: string | undefined;

export function linuxProcessStartTime(pid: number): string | null {
  const fields = statFields(pid);
  const ticks = fields?.[STARTTIME_INDEX];
  if (ticks === undefined) return null;
  return `${currentBootId()}:${ticks}`;
}

export function linuxIsZombie(pid: number): boolean {
  return statFields(pid)?.[STATE_INDEX] === "Z";
}

// Fields from the third (state) on; comm, the second, may hold spaces and parentheses.
function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  return text.slice(close + 1).trim().split(" ");
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
