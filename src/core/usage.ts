/** CPU and memory of a process and its tree: the figures `tend ps` and `tend ui` show. */

/** One live process of a tree, as the OS accounts for it. */
export interface TreeMember {
  pid: number;
  /** When it started, on the same clock as the measurement's `nowMs`; with the pid, it names the process. */
  startedMs: number;
  /** User + system CPU time it has used so far. */
  cpuMs: number;
  memoryBytes: number;
}

export interface UsageFigures {
  /** Share of one core, in percent: 200 is two cores busy. */
  cpuPercent: number;
  memoryBytes: number;
}

export interface ProcessUsage extends UsageFigures {
  /** The process alone; the outer figures are its whole tree. */
  self: UsageFigures;
  /** Live processes in the tree, the process itself included. */
  processes: number;
}

/** What an earlier measurement saw: each member's CPU time by pid and start. */
export interface UsageBaseline {
  atMs: number;
  cpuMs: Map<string, number>;
}

function key(m: TreeMember): string {
  return `${m.pid}:${m.startedMs}`;
}

/**
 * CPU percent of `members`: since `baseline` when there is one (what top shows), otherwise each
 * member's average since it started (what ps shows). A member the baseline did not see (it
 * began since) counts with its average since it started; one that ended takes its time with it.
 */
function cpuPercent(members: TreeMember[], nowMs: number, baseline: UsageBaseline | null): number {
  let percent = 0;
  for (const m of members) {
    const before = baseline?.cpuMs.get(key(m));
    const [used, since] = before === undefined ? [m.cpuMs, m.startedMs] : [m.cpuMs - before, baseline!.atMs];
    const elapsed = nowMs - since;
    if (elapsed > 0 && used > 0) percent += (100 * used) / elapsed;
  }
  return Math.round(percent * 10) / 10;
}

export function usageOf(members: TreeMember[], rootPid: number, nowMs: number, baseline: UsageBaseline | null): ProcessUsage {
  const root = members.filter((m) => m.pid === rootPid);
  return {
    cpuPercent: cpuPercent(members, nowMs, baseline),
    memoryBytes: members.reduce((sum, m) => sum + m.memoryBytes, 0),
    self: { cpuPercent: cpuPercent(root, nowMs, baseline), memoryBytes: root[0]?.memoryBytes ?? 0 },
    processes: members.length,
  };
}

/** The baseline the next measurement compares with. */
export function baselineOf(members: Iterable<TreeMember>, atMs: number): UsageBaseline {
  const cpuMs = new Map<string, number>();
  for (const m of members) cpuMs.set(key(m), m.cpuMs);
  return { atMs, cpuMs };
}

/** `12.5%`, `0%`. */
export function formatPercent(percent: number): string {
  return `${percent >= 100 ? Math.round(percent) : Number(percent.toFixed(1))}%`;
}

/** `512K`, `41.2M`, `1.3G`: binary units, as top and ps print them. */
export function formatBytes(bytes: number): string {
  const units = ["B", "K", "M", "G", "T"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : Number(value.toFixed(1))}${units[unit]}`;
}
