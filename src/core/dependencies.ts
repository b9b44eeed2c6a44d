import type { DependencyCondition } from "./probe-spec";
import type { ProcessState } from "./process-status";

/**
 * A cycle in `deps` (name → the names it depends on) as a path whose first name is repeated at
 * the end (`["web", "api", "web"]`), or null. Names that are not keys are leaves. The search
 * follows the map's order, so the same config always reports the same cycle.
 */
export function findCycle(deps: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();

  const visit = (name: string): string[] | null => {
    if (onPath.has(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name) || !deps.has(name)) return null;
    path.push(name);
    onPath.add(name);
    for (const next of deps.get(name)!) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    path.pop();
    onPath.delete(name);
    done.add(name);
    return null;
  };

  for (const name of deps.keys()) {
    const cycle = visit(name);
    if (cycle !== null) return cycle;
  }
  return null;
}

/**
 * The order to stop processes in, as waves that may each stop in parallel: a process stops
 * before everything it depends on, so a server never outlives its database while it still
 * serves. Dependencies outside `specs` are ignored; should a cycle slip through, its members
 * make up the last wave rather than never stopping.
 */
export function stopOrder(specs: { name: string; dependsOn?: Record<string, DependencyCondition> }[]): string[][] {
  const names = new Set(specs.map((s) => s.name));
  const dependants = new Map<string, number>([...names].map((name) => [name, 0]));
  for (const spec of specs) {
    for (const dep of Object.keys(spec.dependsOn ?? {})) {
      if (names.has(dep) && dep !== spec.name) dependants.set(dep, dependants.get(dep)! + 1);
    }
  }
  const waves: string[][] = [];
  let left = specs;
  while (left.length > 0) {
    let wave = left.filter((s) => dependants.get(s.name) === 0);
    if (wave.length === 0) wave = left;
    const leaving = new Set(wave.map((s) => s.name));
    for (const spec of wave) {
      for (const dep of Object.keys(spec.dependsOn ?? {})) {
        if (names.has(dep) && dep !== spec.name) dependants.set(dep, dependants.get(dep)! - 1);
      }
    }
    waves.push(wave.map((s) => s.name));
    left = left.filter((s) => !leaving.has(s.name));
  }
  return waves;
}

export interface DepStatus {
  state: ProcessState;
  hasProbe: boolean;
  exitCode: number | null;
  exitSignal: string | null;
  /** The dependency's status reason, shown when it is parked ("5 rapid failures"). */
  reason?: string | null;
}

export type DependencyVerdict =
  | { kind: "met" }
  | { kind: "waiting"; reason: string }
  | { kind: "failed"; reason: string };

/**
 * Whether a dependency `name` in status `dep` (undefined: no such process) lets its dependant
 * start. "failed" means it never will without someone stepping in, so the dependant can say why
 * instead of waiting forever.
 */
export function dependencyVerdict(
  condition: DependencyCondition,
  dep: DepStatus | undefined,
  name: string,
): DependencyVerdict {
  if (dep === undefined) return { kind: "failed", reason: `dependency ${name} does not exist` };
  const cleanExit = dep.exitCode === 0 && dep.exitSignal === null;
  const failed = (what: string): DependencyVerdict => ({ kind: "failed", reason: `dependency ${name} ${what}` });
  const exitText = dep.exitSignal !== null ? `was killed by ${dep.exitSignal}` : `exited with code ${dep.exitCode}`;

  switch (dep.state) {
    case "running":
      if (condition === "started" || (condition === "ready" && !dep.hasProbe)) return { kind: "met" };
      break;
    case "ready":
      if (condition !== "completed") return { kind: "met" };
      break;
    // Without a probe, running was all "ready" asked, and a clean exit means it ran.
    case "exited":
      if (cleanExit && (condition !== "ready" || !dep.hasProbe)) return { kind: "met" };
      return failed(cleanExit ? "exited before it was ready" : exitText);
    // A restart is pending; only a job that finished cleanly has done what "completed" asks.
    case "backoff":
      if (condition === "completed" && cleanExit) return { kind: "met" };
      break;
    case "crashed":
      return failed(exitText);
    case "parked":
      return failed(dep.reason ? `parked: ${dep.reason}` : "parked");
    case "stopping":
    case "stopped":
      return failed("was stopped");
    case "queued":
    case "starting":
      break;
  }
  return { kind: "waiting", reason: `waiting for ${name} (${condition})` };
}
