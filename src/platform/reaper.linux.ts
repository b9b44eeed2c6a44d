import { readdirSync, readFileSync } from "node:fs";
import { isOwnChild } from "./own-children";
import { procStatFields } from "./proc-stat.linux";
import type { Reaper } from "./reaper";

/**
 * Keeps a supervisor's descendants under it and leaves no zombies (Linux). As a child subreaper
 * (prctl PR_SET_CHILD_SUBREAPER) it becomes the parent of every orphaned descendant — a daemon
 * that double-forked, a grandchild whose parent died — instead of PID 1; as PID 1 (a container
 * entrypoint) it is that already. Either way such orphans are its children, and their zombies
 * are its to reap: on every SIGCHLD, each child that is a zombie and that Bun did not start is
 * waited for by pid (never waitpid(-1), which would take the exit status of Bun's own children).
 * Bun has no waitpid or prctl of its own: both come from libc through bun:ffi.
 */

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;
const ARCH = process.arch === "arm64" ? "aarch64" : "x86_64";
// glibc, then musl (whose libc is also its dynamic loader).
const LIBC_NAMES = ["libc.so.6", `libc.musl-${ARCH}.so.1`];

interface Libc {
  prctl(option: number, arg2: bigint, arg3: bigint, arg4: bigint, arg5: bigint): number;
  waitpid(pid: number, status: Uint8Array | null, options: number): number;
}

async function loadLibc(): Promise<{ libc: Libc } | { problem: string }> {
  let ffi: typeof import("bun:ffi");
  try {
    ffi = await import("bun:ffi");
  } catch (error) {
    return { problem: `bun:ffi is not available (${(error as Error).message})` };
  }
  const { dlopen, FFIType } = ffi;
  const errors: string[] = [];
  for (const name of LIBC_NAMES) {
    try {
      const lib = dlopen(name, {
        prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
        waitpid: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
      });
      return { libc: lib.symbols as unknown as Libc };
    } catch (error) {
      errors.push(`${name}: ${(error as Error).message}`);
    }
  }
  return { problem: `libc could not be loaded (${errors.join("; ")})` };
}

/** The pids of this process's children, whichever of its threads they were given to. */
function children(): number[] {
  const pids: number[] = [];
  try {
    for (const task of readdirSync("/proc/self/task")) {
      const text = readFileSync(`/proc/self/task/${task}/children`, "latin1").trim();
      if (text) for (const pid of text.split(" ")) pids.push(Number(pid));
    }
    return pids;
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: the slow way, by every process's parent.
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (Number.isInteger(pid) && Number(procStatFields(pid)?.[1]) === process.pid) pids.push(pid);
    }
    return pids;
  }
}

export async function startReaper(): Promise<Reaper> {
  const loaded = await loadLibc();
  if ("problem" in loaded) {
    return { problem: `orphaned descendants are neither kept under tend nor reaped: ${loaded.problem}`, reaped: () => 0, stop() {} };
  }
  const { libc } = loaded;
  let problem: string | null = null;
  if (process.pid !== 1 && libc.prctl(PR_SET_CHILD_SUBREAPER, 1n, 0n, 0n, 0n) !== 0) {
    problem = "prctl(PR_SET_CHILD_SUBREAPER) failed: descendants that leave their parent go to PID 1";
  }
  const status = new Uint8Array(4);
  let count = 0;
  let scheduled = false;
  const reap = () => {
    scheduled = false;
    for (const pid of children()) {
      if (isOwnChild(pid) || procStatFields(pid)?.[0] !== "Z") continue;
      if (libc.waitpid(pid, status, WNOHANG) === pid) count += 1;
    }
  };
  // Signals coalesce: one SIGCHLD may stand for many exits, so each looks at every child.
  const onChild = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(reap);
  };
  process.on("SIGCHLD", onChild);
  reap();
  return {
    problem,
    reaped: () => count,
    stop: () => process.off("SIGCHLD", onChild),
  };
}
