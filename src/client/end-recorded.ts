import { requireKnown } from "../core/errors";
import { describeUnsignalled, endTree } from "../platform/end-tree";
import { findProcessesWithEnvPrefix } from "../platform/marker-scan";
import type { HomeLayout } from "../platform/paths";
import { MARKER_ENV, markerPrefix } from "../platform/process-marker";
import { readProcessRecords, recordedProcessAlive, removeProcessRecord } from "../platform/process-records";
import type { KillOptions, KillResult } from "./tend-client-types";

/**
 * Ends processes without a supervisor, and forgets them (unless `keep`): each by its record's
 * identity (pid + start time) and marker, so what a lost supervisor left behind is found — and
 * nothing that is not ours is touched.
 */
export async function endRecorded(paths: HomeLayout, names: string[] | "all", opts: KillOptions): Promise<KillResult> {
  const { records } = readProcessRecords(paths);
  if (names !== "all") requireKnown(names, records.map((r) => r.spec.name));
  const targets = names === "all" ? records : records.filter((r) => names.includes(r.spec.name));
  const killed = await Promise.all(
    targets.map(async (r) => {
      const alive = recordedProcessAlive(r);
      // A dead leader may have left descendants that escaped its group; the marker finds them.
      let survivors: string | null = null;
      if (r.status.marker) {
        const target = { pgid: alive ? r.status.pid : null, marker: r.status.marker };
        survivors = describeUnsignalled(await endTree(target, opts.signal ?? (r.spec.stopSignal as NodeJS.Signals), opts.graceMs ?? r.spec.graceMs));
      }
      if (!opts.keep) removeProcessRecord(paths, r.spec.name);
      return { name: r.spec.name, pid: alive ? r.status.pid : null, wasRunning: alive, survivors };
    }),
  );
  return { killed, strays: names === "all" ? await endStrays(paths, opts) : [], unanswered: null };
}

/**
 * Processes of this TEND_HOME that no record names any more (their record was removed, or their
 * supervisor died mid-write): found by the marker prefix every tend process carries.
 */
export async function endStrays(paths: HomeLayout, opts: KillOptions): Promise<number[]> {
  const found = findProcessesWithEnvPrefix(MARKER_ENV, markerPrefix(paths.home));
  const markers = new Set(found.map((f) => f.value));
  await Promise.all([...markers].map((marker) => endTree({ pgid: null, marker }, opts.signal ?? "SIGTERM", opts.graceMs ?? 10_000)));
  return found.map((f) => f.pid);
}
