import { readFileSync, readdirSync } from "node:fs";
import { procStatFields } from "../../src/platform/proc-stat.linux";

// /proc reports CPU times in USER_HZ ticks, which Linux fixes at 100 for user space.
const TICKS_PER_SECOND = 100;

/** True for a process that exists and is not a zombie (a zombie only waits for its parent to reap it). */
export function isRunning(pid: number): boolean {
  const fields = procStatFields(pid);
  return fields !== null && fields[0] !== "Z";
}

/** User + system CPU seconds of the process, all its threads together; reaped children not included. */
export function cpuSeconds(pid: number): number | null {
  const fields = procStatFields(pid);
  if (!fields) return null;
  // Fields 14 and 15 of stat (utime, stime) sit at 11 and 12 once pid, comm and state are cut.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Nanoseconds the process's live threads have run (the kernel's scheduler accounting), for CPU
 * figures finer than the 10 ms ticks of `cpuSeconds`; threads that already ended are not counted.
 */
export function cpuNs(pid: number): number | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let total = 0;
  for (const tid of tasks) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "latin1").split(" ")[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}

export function rssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function pids(): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(name));
  }
  return out;
}

export function environ(pid: number): Buffer | null {
  try {
    return readFileSync(`/proc/${pid}/environ`);
  } catch {
    return null;
  }
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((s) => s !== "");
  } catch {
    return [];
  }
}

/** True when the environment holds exactly `entry` ("KEY=value") as one of its variables. */
export function hasEnvEntry(env: Buffer, entry: string): boolean {
  const needle = Buffer.from(entry);
  for (let at = env.indexOf(needle); at >= 0; at = env.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    if ((at === 0 || env[at - 1] === 0) && (end === env.length || env[end] === 0)) return true;
  }
  return false;
}

/** The value of `key` in an environment block, or null when it is not set. */
export function envValue(env: Buffer, key: string): string | null {
  const needle = Buffer.from(`${key}=`);
  for (let at = env.indexOf(needle); at >= 0; at = env.indexOf(needle, at + 1)) {
    if (at !== 0 && env[at - 1] !== 0) continue;
    let end = env.indexOf(0, at);
    if (end < 0) end = env.length;
    return env.toString("utf8", at + needle.length, end);
  }
  return null;
}

export function hasEnvKey(env: Buffer, key: string): boolean {
  return envValue(env, key) !== null;
}
