import { readFileSync } from "node:fs";

/**
 * The fields of `/proc/PID/stat` from the third (state) on, or null when the process is gone.
 * The second field, comm, may hold spaces and parentheses, so the split starts after the last
 * ")". Index 0 is the state, 2 the process group, 19 the start time.
 */
export function procStatFields(pid: number): string[] | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return null;
  }
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  return text.slice(close + 1).trim().split(" ");
}
