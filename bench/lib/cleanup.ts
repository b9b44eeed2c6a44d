import { randomBytes } from "node:crypto";
import { cmdline, environ, envValue, hasEnvEntry, isRunning, pids } from "./proc-stats";

/**
 * Every process the bench starts carries this variable, and the tools pass their environment
 * on to their daemons and children, so one scan of /proc finds all of them — daemons that
 * double-forked away included — and nothing that belongs to anyone else.
 */
const RUN_KEY = "TEND_BENCH_RUN";
// The bench's own pid leads, so a later run can tell a dead run's leftovers from a live run's processes.
export const runId = `${process.pid}-${randomBytes(4).toString("hex")}`;
const RUN_ENTRY = `${RUN_KEY}=${runId}`;

const groups = new Set<number>();

/**
 * Set on every command an adapter runs for one tool instance; its daemon and children inherit
 * it, so an instance's processes can be found and ended without touching another instance's.
 */
export const INSTANCE_KEY = "TEND_BENCH_INSTANCE";

export function instanceEnv(dir: string): Record<string, string> {
  return { [INSTANCE_KEY]: dir };
}

/** Live processes of one instance: its daemon and everything under it. */
export function instanceProcesses(dir: string): number[] {
  return marked([`${INSTANCE_KEY}=${dir}`]);
}

export function benchEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...(process.env as Record<string, string>), ...extra, [RUN_KEY]: runId };
}

export function trackGroup(pgid: number): void {
  groups.add(pgid);
}

export function untrackGroup(pgid: number): void {
  groups.delete(pgid);
}

function kill(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // Already gone.
  }
}

export function killGroup(pgid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  if (pgid > 1) kill(-pgid, signal);
}

export function killPid(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  if (pid > 1 && pid !== process.pid) kill(pid, signal);
}

/** Live processes of this run whose environment also holds every one of `alsoHaving` ("KEY=value"). */
export function marked(alsoHaving: string[] = []): number[] {
  return scan((env) => hasEnvEntry(env, RUN_ENTRY) && alsoHaving.every((e) => hasEnvEntry(env, e)));
}

/** Live processes left by an earlier bench run whose own process is gone (it was interrupted). */
function orphanedByEarlierRuns(): number[] {
  return scan((env) => {
    const run = envValue(env, RUN_KEY);
    if (run === null || run === runId) return false;
    const benchPid = Number(run.split("-")[0]);
    return !(benchPid > 0 && isRunning(benchPid));
  });
}

function scan(match: (env: Buffer) => boolean): number[] {
  const found: number[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const env = environ(pid);
    if (env && match(env) && isRunning(pid)) found.push(pid);
  }
  return found;
}

function describePid(pid: number): string {
  return `${pid} (${cmdline(pid).join(" ").slice(0, 80)})`;
}

/**
 * SIGKILLs every tracked process group and every process of this run (with `earlierRuns`: of
 * interrupted earlier runs instead) until none is left. Returns what had to be killed, for the report.
 */
export async function sweep(earlierRuns = false): Promise<string[]> {
  const killed: string[] = [];
  for (let round = 0; round < 20; round++) {
    if (!earlierRuns) for (const pgid of groups) killGroup(pgid);
    const left = earlierRuns ? orphanedByEarlierRuns() : marked();
    if (left.length === 0) break;
    for (const pid of left) {
      if (round === 0) killed.push(describePid(pid));
      killPid(pid);
    }
    await Bun.sleep(50);
  }
  if (!earlierRuns) groups.clear();
  return killed;
}
