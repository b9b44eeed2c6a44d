import { dependencyVerdict, type DepStatus } from "./dependencies";
import type { DependencyCondition } from "./probe-spec";
import type { Origin } from "./process-spec";
import type { ProcessState } from "./process-status";

/** What admission needs to know of one process. */
export interface Candidate {
  name: string;
  origin: Origin;
  state: ProcessState;
  /** For a waiting process: since when, so the queue is first come, first served. */
  waitingSince: number | null;
  /** Stopping on its way to start again: not a dependency that failed. */
  restarting: boolean;
  dependsOn: Record<string, DependencyCondition> | undefined;
  dep: Omit<DepStatus, "state">;
}

export type Verdict =
  | { kind: "start" }
  | { kind: "hold"; for: "capacity" | "dependencies"; reason: string }
  | { kind: "refuse"; reason: string };

export const AT_CAPACITY = "queued: at capacity";

const SETTLED: ReadonlySet<ProcessState> = new Set(["exited", "crashed", "parked", "stopped"]);

/** A session holds one of the `capacity` slots from its start until it ends for good. */
function holdsSlot(c: Candidate): boolean {
  return c.origin === "session" && c.waitingSince === null && !SETTLED.has(c.state);
}

/**
 * Which waiting processes start now, which wait on (and why), and which never will: their
 * dependencies first, then the capacity for sessions (0 = no limit), oldest waiter first.
 * A process that depends on one starting in this same round waits for the next round, when
 * that one's new state is known.
 */
export function admit(all: Candidate[], capacity: number): Map<string, Verdict> {
  const byName = new Map(all.map((c) => [c.name, c]));
  let slotsUsed = all.filter(holdsSlot).length;
  const waiting = all.filter((c) => c.waitingSince !== null).sort((a, b) => a.waitingSince! - b.waitingSince!);
  const verdicts = new Map<string, Verdict>();
  for (const c of waiting) {
    const deps = Object.entries(c.dependsOn ?? {}).map(([name, condition]) => {
      const dep = byName.get(name);
      const status = dep && { ...dep.dep, state: dep.restarting ? ("starting" as const) : dep.state };
      return dependencyVerdict(condition, status, name);
    });
    const failed = deps.find((v) => v.kind === "failed");
    const notYet = deps.find((v) => v.kind === "waiting");
    if (failed) verdicts.set(c.name, { kind: "refuse", reason: failed.reason });
    else if (notYet) verdicts.set(c.name, { kind: "hold", for: "dependencies", reason: notYet.reason });
    else if (c.origin === "session" && capacity > 0 && slotsUsed >= capacity) {
      verdicts.set(c.name, { kind: "hold", for: "capacity", reason: AT_CAPACITY });
    } else {
      if (c.origin === "session") slotsUsed += 1;
      verdicts.set(c.name, { kind: "start" });
    }
  }
  return verdicts;
}
