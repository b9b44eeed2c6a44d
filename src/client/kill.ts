import type { ProcessRecord } from "../core/process-status";
import { TendError } from "../core/errors";
import { findProcessesWithEnvPrefix } from "../platform/marker-scan";
import type { HomeLayout } from "../platform/paths";
import { readProcessRecords, recordedProcessAlive, removeProcessRecord } from "../platform/process-records";
import { endTree } from "../platform/end-tree";
import { MARKER_ENV, markerPrefix } from "../platform/process-marker";
import { runningSupervisor } from "./running-supervisor";

export interface KillOptions {
  signal?: NodeJS.Signals;
  graceMs?: number;
  keep?: boolean;
}

export interface KillOutcome {
  name: string;
  /** The pid it had, if it was running. */
  pid: number | null;
  wasRunning: boolean;
}

function unknownName(name: string, known: string[]): TendError {
  return new TendError(`no process named "${name}"`, "not_found", known.length ? `known: ${known.join(", ")}` : "there are no processes");
}

/**
 * Ends processes and their trees, then forgets them (unless `keep`). Through the supervisor when
 * one runs; otherwise by each record's identity (pid + start time) and marker, so processes
 * left behind by a lost supervisor are found — and nothing that is not ours is touched.
 */
export async function killProcesses(paths: HomeLayout, names: string[] | "all", opts: KillOptions): Promise<{ killed: KillOutcome[]; strays: number[] }> {
  const sup = runningSupervisor(paths);
  if (sup) {
    const { processes } = await sup.api.get<{ processes: ProcessRecord[] }>("/v1/processes");
    const targets = names === "all" ? processes.map((r) => r.spec.name) : names;
    const known = processes.map((r) => r.spec.name);
    for (const n of targets) if (!known.includes(n)) throw unknownName(n, known);
    const q = new URLSearchParams();
    if (opts.signal) q.set("signal", opts.signal);
    if (opts.graceMs !== undefined) q.set("grace", `${opts.graceMs}ms`);
    if (opts.keep) q.set("keep", "1");
    const killed = await Promise.all(
      targets.map(async (n) => {
        const before = processes.find((r) => r.spec.name === n)!;
        await sup.api.request("DELETE", `/v1/processes/${encodeURIComponent(n)}?${q}`);
        return { name: n, pid: before.status.pid, wasRunning: before.status.pid !== null };
      }),
    );
    return { killed, strays: names === "all" ? await killStrays(paths, opts) : [] };
  }

  const { records } = readProcessRecords(paths);
  const known = records.map((r) => r.spec.name);
  const targets = names === "all" ? records : names.map((n) => records.find((r) => r.spec.name === n) ?? (() => { throw unknownName(n, known); })());
  const killed = await Promise.all(
    targets.map(async (r) => {
      const alive = recordedProcessAlive(r);
      // A dead leader may have left descendants that escaped its group; the marker finds them.
      if (r.status.marker) {
        const target = { pgid: alive ? r.status.pid : null, marker: r.status.marker };
        await endTree(target, opts.signal ?? (r.spec.stopSignal as NodeJS.Signals), opts.graceMs ?? r.spec.graceMs);
      }
      if (!opts.keep) removeProcessRecord(paths, r.spec.name);
      return { name: r.spec.name, pid: alive ? r.status.pid : null, wasRunning: alive };
    }),
  );
  return { killed, strays: names === "all" ? await killStrays(paths, opts) : [] };
}

/**
 * Processes of this TEND_HOME that no record names any more (their record was removed, or their
 * supervisor died mid-write): found by the marker prefix every tend process carries.
 */
async function killStrays(paths: HomeLayout, opts: KillOptions): Promise<number[]> {
  const found = findProcessesWithEnvPrefix(MARKER_ENV, markerPrefix(paths.home));
  const markers = new Set(found.map((f) => f.value));
  await Promise.all([...markers].map((marker) => endTree({ pgid: null, marker }, opts.signal ?? "SIGTERM", opts.graceMs ?? 10_000)));
  return found.map((f) => f.pid);
}
