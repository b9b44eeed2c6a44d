import { baselineOf, usageOf, type ProcessUsage, type UsageBaseline } from "../core/usage";
import { processTrees, uptimeMs } from "../platform/process-trees.linux";
import type { SupervisorView } from "./tend-client-types";

/**
 * Measures the CPU and memory of every running process's tree. The first measurement gives
 * each process's average since it started, as ps does; each later one of the same meter the
 * figures since the one before, as top does. Keyed by pid, which is unique among running
 * processes whatever their names. Empty where the OS does not say (only Linux does, for now).
 */
export class UsageMeter {
  private baseline: UsageBaseline | null = null;

  measure(view: SupervisorView): Map<number, ProcessUsage> {
    const usage = new Map<number, ProcessUsage>();
    if (process.platform !== "linux") return usage;
    const roots = view.processes.flatMap((r) => (r.status.pid !== null ? [{ pid: r.status.pid, marker: r.status.marker }] : []));
    if (roots.length === 0) return usage;
    // Descendants that left their group end up with the supervisor (a subreaper) or with init.
    const reparentedTo = view.state === "stopped" ? [1] : [view.info.pid, 1];
    const now = uptimeMs();
    const trees = processTrees(roots, reparentedTo);
    for (const [pid, members] of trees) usage.set(pid, usageOf(members, pid, now, this.baseline));
    this.baseline = baselineOf([...trees.values()].flat(), now);
    return usage;
  }
}
