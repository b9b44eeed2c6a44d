import type { SupervisorView } from "../client/tend-client";
import { splitName } from "../core/names";
import type { ProcessRecord, ProcessState } from "../core/process-status";
import type { SupervisorInfo } from "../core/supervisor-info";
import type { ProcessUsage } from "../core/usage";

/** The project a record belongs to, or null (a session started outside any project). */
export function projectOf(r: ProcessRecord): string | null {
  return r.spec.project?.name ?? null;
}

/** The full name (`shop/web`) names a process among those of every project. */
export function keyOf(r: ProcessRecord): string {
  return r.spec.name;
}

/** What the list shows under its project's heading: the name within the project. */
export function shownName(r: ProcessRecord): string {
  return splitName(r.spec.name).name;
}

export interface Group {
  project: string | null;
  records: ProcessRecord[];
}

/** What the supervisor side looks like: its info, or why there is none. */
export type SupervisorLine =
  | { kind: "running"; info: SupervisorInfo; closing: boolean }
  | { kind: "unresponsive"; info: SupervisorInfo; error: string }
  | { kind: "stopped"; lost: string[]; cleaned: string | null };

/**
 * The process table as the status events keep it: the last full view, then each change laid
 * over it. The UI draws from here only.
 */
export class Model {
  supervisor: SupervisorLine | null = null;
  /** The last supervisor seen running: what "start it again" starts. */
  lastInfo: SupervisorInfo | null = null;
  private records = new Map<string, ProcessRecord>();
  usage: ReadonlyMap<number, ProcessUsage> = new Map();

  setView(view: SupervisorView): void {
    this.records = new Map(view.processes.map((r) => [keyOf(r), r]));
    if (view.state === "stopped") {
      this.supervisor = { kind: "stopped", lost: view.lost, cleaned: view.cleaned };
      return;
    }
    this.lastInfo = view.info;
    this.supervisor = view.state === "running" ? { kind: "running", info: view.info, closing: false } : { kind: "unresponsive", info: view.info, error: view.error };
  }

  change(r: ProcessRecord): void {
    this.records.set(keyOf(r), r);
  }

  removed(r: ProcessRecord): void {
    this.records.delete(keyOf(r));
  }

  closing(): void {
    if (this.supervisor?.kind === "running") this.supervisor = { ...this.supervisor, closing: true };
  }

  get(key: string): ProcessRecord | undefined {
    return this.records.get(key);
  }

  all(): ProcessRecord[] {
    return [...this.records.values()];
  }

  /** Processes by project (sorted, those of no project last), each group sorted by name. */
  groups(): Group[] {
    const byProject = new Map<string | null, ProcessRecord[]>();
    for (const r of this.records.values()) {
      const p = projectOf(r);
      (byProject.get(p) ?? byProject.set(p, []).get(p)!).push(r);
    }
    return [...byProject.entries()]
      .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
      .map(([project, records]) => ({ project, records: records.sort((x, y) => x.spec.name.localeCompare(y.spec.name)) }));
  }

  counts(): [ProcessState, number][] {
    const counts = new Map<ProcessState, number>();
    for (const r of this.records.values()) counts.set(r.status.state, (counts.get(r.status.state) ?? 0) + 1);
    return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  }
}
