import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { systemClock, type Clock } from "../core/clock";
import type { StreamName } from "../core/cri";
import { TendError } from "../core/errors";
import type { ProcessSpec } from "../core/process-spec";
import type { ProcessRecord } from "../core/process-status";
import { writeFileAtomic } from "../platform/atomic-file";
import { ensureDir, layout, logFile, processFile, type HomeLayout } from "../platform/paths";
import { ManagedProcess } from "./managed-process";

export type NoticeLevel = "info" | "warn" | "error";

/** How the supervisor tells the outside world what happens; the CLI decides how it looks. */
export interface SupervisorEvents {
  notice?(name: string | null, message: string, level: NoticeLevel): void;
  line?(name: string, stream: StreamName, line: Uint8Array, partial: boolean): void;
  change?(record: ProcessRecord): void;
}

export interface SupervisorOptions {
  home: string;
  /** Working directory of the supervisor: relative process cwds were resolved against it. */
  dir: string;
  clock?: Clock;
  events?: SupervisorEvents;
}

/** Identifies one TEND_HOME in process markers without putting a path in every environment. */
export function homeId(home: string): string {
  return createHash("sha256").update(home).digest("hex").slice(0, 12);
}

/** The process table: adds, lists and stops processes, and keeps `processes/*.json` current. */
export class Supervisor {
  readonly paths: HomeLayout;
  private readonly processes = new Map<string, ManagedProcess>();
  private readonly clock: Clock;
  private readonly events: SupervisorEvents;

  constructor(private readonly options: SupervisorOptions) {
    this.paths = layout(options.home);
    this.clock = options.clock ?? systemClock;
    this.events = options.events ?? {};
    ensureDir(this.paths.home);
    ensureDir(this.paths.processesDir);
    ensureDir(this.paths.logsDir);
  }

  /**
   * Adds processes and starts them. All names are checked before anything starts, so a
   * rejected batch changes nothing. Returns the records after the start attempt; a process
   * whose command could not be started is parked with the reason (and reported in `errors`).
   */
  add(specs: ProcessSpec[]): { records: ProcessRecord[]; errors: TendError[] } {
    const seen = new Set<string>();
    for (const spec of specs) {
      if (this.processes.has(spec.name) || seen.has(spec.name)) {
        throw new TendError(`a process named "${spec.name}" already exists`, "name_taken", "choose another name or remove it first");
      }
      seen.add(spec.name);
    }
    const errors: TendError[] = [];
    const added = specs.map((spec) => {
      const proc = new ManagedProcess(spec, {
        clock: this.clock,
        logPath: logFile(this.paths, spec.name),
        markerPrefix: `${homeId(this.options.home)}/`,
        baseEnv: {
          TEND_HOME: this.options.home,
          TEND_DIR: this.options.dir,
          TEND_SPAWN_MODE: "same-dir",
          TEND_CAPACITY: "0",
          TEND_SANDBOX: "0",
          TEND_PERMISSION_MODE: "full",
        },
        onChange: (record, notice, level) => this.onChange(record, notice, level),
        onLine: (name, stream, line, partial) => this.events.line?.(name, stream, line, partial),
      });
      this.processes.set(spec.name, proc);
      return proc;
    });
    for (const proc of added) {
      try {
        proc.start();
      } catch (error) {
        errors.push(error instanceof TendError ? error : new TendError(String(error), "spawn_failed"));
      }
    }
    return { records: added.map((p) => p.record()), errors };
  }

  list(): ProcessRecord[] {
    return [...this.processes.values()].map((p) => p.record());
  }

  /** Stops every process, all at once, each with its own signal and grace. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }

  /** Ends every process's tree at once with SIGKILL: the answer to an impatient second Ctrl-C. */
  async killAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop("SIGKILL", 0)));
  }

  /**
   * Stops everything. Workers' records go (the config file is their record); sessions'
   * stay, so `ps` and `logs` still tell how a session ended.
   */
  async shutdown(): Promise<void> {
    await this.stopAll();
    for (const proc of this.processes.values()) {
      proc.close();
      if (proc.spec.origin === "worker") rmSync(processFile(this.paths, proc.spec.name), { force: true });
    }
    this.processes.clear();
  }

  private onChange(record: ProcessRecord, notice: string | null, level: NoticeLevel): void {
    writeFileAtomic(processFile(this.paths, record.spec.name), `${JSON.stringify(record, null, 2)}\n`);
    if (notice) this.events.notice?.(record.spec.name, notice, level);
    this.events.change?.(record);
  }
}
