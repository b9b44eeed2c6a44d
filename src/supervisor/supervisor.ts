import path from "node:path";
import { systemClock, type Clock } from "../core/clock";
import type { StreamName } from "../core/cri";
import type { NoticeLevel } from "../core/notice";
import { TendError } from "../core/errors";
import { dependencyVerdict, stopOrder } from "../core/dependencies";
import { nameFromCommand } from "../core/names";
import type { ProcessSpec } from "../core/process-spec";
import { isSettled, type ProcessRecord } from "../core/process-status";
import { writeFileAtomic } from "../platform/atomic-file";
import { addWorktree, removeWorktree, repoRoot, worktreeHasChanges } from "../platform/git-worktree";
import { ensureDir, layout, logFile, processFile, type HomeLayout } from "../platform/paths";
import { readProcessRecords, recordedProcessAlive, removeProcessRecord } from "../platform/process-records";
import { endTree } from "../platform/end-tree";
import { markerPrefix } from "../platform/process-marker";
import { endedForGood, ManagedProcess } from "./managed-process";
import type { RecentOutput } from "./recent-output";

export type SpawnMode = "same-dir" | "worktree";

/** How the supervisor tells the outside world what happens; the CLI decides how it looks. */
export interface SupervisorEvents {
  notice?(name: string | null, message: string, level: NoticeLevel): void;
  line?(name: string, stream: StreamName, line: Uint8Array, partial: boolean): void;
  change?(record: ProcessRecord): void;
}

/** Live output of one process, for `logs -f` and `attach`. */
export interface OutputListener {
  line?(stream: StreamName, line: Uint8Array, partial: boolean): void;
  chunk?(stream: StreamName, chunk: Uint8Array): void;
  change?(record: ProcessRecord): void;
  /** The process was removed (killed): nothing more will come. */
  removed?(): void;
}

export interface SupervisorOptions {
  home: string;
  /** Working directory of the supervisor: relative process cwds were resolved against it. */
  dir: string;
  /** Most sessions running at once; the rest wait as `queued`. 0 = no limit. */
  capacity?: number;
  /** `worktree`: each process runs in its own git worktree of `dir` (which must be in a repository). */
  spawnMode?: SpawnMode;
  clock?: Clock;
  events?: SupervisorEvents;
}

/** A process to add; without a name, one is derived from its command. */
export type NewProcess = Omit<ProcessSpec, "name"> & { name?: string };

export interface AddOptions {
  /** End and replace processes of the same name instead of refusing. */
  replace?: boolean;
}

const LEFTOVER_CHECK_MS = 1000;

/** How a record left by an earlier supervisor reads now that nobody watches its process. */
function adoptLeftover(record: ProcessRecord): ProcessRecord {
  if (isSettled(record.status.state)) return record;
  const status = recordedProcessAlive(record)
    ? { ...record.status, reason: `left running by an earlier supervisor (pid ${record.status.pid}); end it with "tend kill ${record.spec.name}"` }
    : { ...record.status, state: "stopped" as const, pid: null, nextRestartAt: null, reason: "ended while no supervisor watched it" };
  return { ...record, status };
}

/**
 * The process table: adds, lists, stops, restarts and removes processes, starts queued ones as
 * capacity frees, and keeps `processes/*.json` current. Records of processes from an earlier
 * supervisor (finished sessions, or ones lost with it) are listed until removed.
 */
export class Supervisor {
  readonly paths: HomeLayout;
  private readonly processes = new Map<string, ManagedProcess>();
  /** Records from disk that no ManagedProcess owns: finished or lost with an earlier supervisor. */
  private readonly leftovers = new Map<string, ProcessRecord>();
  private readonly queue: ManagedProcess[] = [];
  /** Processes waiting for their dependencies. */
  private readonly blocked = new Set<ManagedProcess>();
  private dependencyCheckPending = false;
  private closing = false;
  private leftoverWatch: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Map<string, Set<OutputListener>>();
  private readonly clock: Clock;
  private readonly events: SupervisorEvents;
  private readonly capacity: number;
  private readonly spawnMode: SpawnMode;
  private readonly repo: string | null;
  private readonly worktreeBases = new Map<string, string>();

  constructor(private readonly options: SupervisorOptions) {
    this.paths = layout(options.home);
    this.clock = options.clock ?? systemClock;
    this.events = options.events ?? {};
    this.capacity = options.capacity ?? 0;
    this.spawnMode = options.spawnMode ?? "same-dir";
    this.repo = this.spawnMode === "worktree" ? repoRoot(options.dir) : null;
    if (this.spawnMode === "worktree" && !this.repo) {
      throw new TendError(`--spawn-mode worktree needs a git repository, and ${options.dir} is not in one`, "usage", "run it in a repository, or pass --dir", 2);
    }
    ensureDir(this.paths.home);
    ensureDir(this.paths.processesDir);
    ensureDir(this.paths.logsDir);
    for (const record of readProcessRecords(this.paths).records) this.leftovers.set(record.spec.name, adoptLeftover(record));
    this.watchLeftovers();
  }

  get markerPrefix(): string {
    return markerPrefix(this.options.home);
  }

  /**
   * Adds processes and starts them (or queues them when at capacity). Names are checked before
   * anything starts, so a rejected batch changes nothing. A process whose command cannot be
   * started is parked with the reason and its error returned.
   */
  async add(batch: NewProcess[], opts: AddOptions = {}): Promise<{ records: ProcessRecord[]; errors: TendError[] }> {
    this.refuseWhileClosing();
    const taken = new Set([...this.processes.keys(), ...this.leftovers.keys()]);
    const named = new Set<string>();
    const specs: ProcessSpec[] = batch.map((p) => {
      const name = p.name ?? nameFromCommand(p.command, new Set([...taken, ...named]));
      if (named.has(name) || (taken.has(name) && !opts.replace)) {
        throw new TendError(
          `a process named "${name}" already exists`,
          "name_taken",
          `choose another name, remove it with "tend kill ${name}", or pass --replace`,
        );
      }
      named.add(name);
      return { ...p, name };
    });
    for (const spec of specs) if (taken.has(spec.name)) await this.remove(spec.name, {});

    const errors: TendError[] = [];
    const added: ManagedProcess[] = [];
    for (const spec of specs) {
      try {
        added.push(this.create(spec));
      } catch (error) {
        for (const p of added) await this.remove(p.spec.name, {});
        throw error;
      }
    }
    for (const proc of added) {
      if (proc.spec.dependsOn && Object.keys(proc.spec.dependsOn).length > 0) {
        this.blocked.add(proc);
        continue;
      }
      if (this.atCapacity(proc)) {
        this.queue.push(proc);
        this.onChange(proc.record(), "queued: at capacity", "info");
        continue;
      }
      const error = this.startOne(proc);
      if (error) errors.push(error);
    }
    this.checkDependencies();
    return { records: added.map((p) => p.record()), errors };
  }

  list(): ProcessRecord[] {
    const live = [...this.processes.values()].map((p) => p.record());
    return [...live, ...this.leftovers.values()].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }

  get(name: string): ProcessRecord {
    const proc = this.processes.get(name);
    if (proc) return proc.record();
    const left = this.leftovers.get(name);
    if (left) return left;
    throw this.notFound(name);
  }

  /** Stops one process (its whole tree) and keeps its record. */
  async stop(name: string, signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessRecord> {
    const proc = this.processes.get(name);
    if (!proc) return this.get(name);
    this.dequeue(proc);
    await proc.stop(signal, graceMs);
    return proc.record();
  }

  /**
   * Stops a process if needed and forgets it: record gone (unless `keep`), listeners told.
   * A leftover record from an earlier supervisor is ended by its recorded identity.
   */
  async remove(name: string, opts: { signal?: NodeJS.Signals; graceMs?: number; keep?: boolean }): Promise<ProcessRecord> {
    const proc = this.processes.get(name);
    const left = proc ? undefined : this.leftovers.get(name);
    if (!proc && !left) throw this.notFound(name);
    let record: ProcessRecord;
    if (proc) {
      this.dequeue(proc);
      await proc.stop(opts.signal, opts.graceMs);
      record = proc.record();
    } else {
      record = left!;
      if (record.status.marker && (record.status.pid === null || recordedProcessAlive(record))) {
        await endTree(
          { pgid: record.status.pid, marker: record.status.marker },
          opts.signal ?? (record.spec.stopSignal as NodeJS.Signals),
          opts.graceMs ?? record.spec.graceMs,
        );
      }
    }
    // Another request may have removed it while we waited, and even added a new one by the
    // same name: that one is not ours to forget.
    const stillOurs = proc ? this.processes.get(name) === proc : this.leftovers.get(name) === left;
    if (!opts.keep && stillOurs) {
      if (proc) {
        proc.close();
        this.processes.delete(name);
      } else this.leftovers.delete(name);
      this.releaseWorktree(record);
      removeProcessRecord(this.paths, name);
      for (const l of this.listeners.get(name) ?? []) l.removed?.();
      this.listeners.delete(name);
    }
    this.startQueued();
    return record;
  }


  async restart(name: string): Promise<ProcessRecord> {
    this.refuseWhileClosing();
    let proc = this.processes.get(name);
    if (!proc) {
      const left = this.leftovers.get(name);
      if (!left) throw this.notFound(name);
      // Left running by a lost supervisor: that run ends before a new one starts.
      if (left.status.marker && recordedProcessAlive(left)) {
        await endTree({ pgid: left.status.pid, marker: left.status.marker }, left.spec.stopSignal as NodeJS.Signals, left.spec.graceMs);
      }
      this.leftovers.delete(name);
      proc = this.create(left.spec);
    }
    // Waiting for a slot or a dependency, it has not started: it keeps its place.
    if (this.queue.includes(proc) || this.blocked.has(proc)) return proc.record();
    await proc.restart();
    return proc.record();
  }

  writeStdin(name: string, data: Uint8Array): void {
    this.processes.get(name)?.writeStdin(data);
  }

  resize(name: string, cols: number, rows: number): void {
    this.processes.get(name)?.resize(cols, rows);
  }

  /** What a process of this supervisor last wrote; null for a record left by an earlier one. */
  recentOutput(name: string): RecentOutput | null {
    this.get(name);
    return this.processes.get(name)?.recent ?? null;
  }

  /** Live output and state changes of one process; returns the unsubscribe function. */
  subscribe(name: string, listener: OutputListener): () => void {
    this.get(name);
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Whether anything runs, waits in the queue or waits to restart. */
  busy(): boolean {
    return [...this.processes.values()].some((p) => !isSettled(p.state));
  }

  /** Ends every process's tree at once with SIGKILL: the answer to an impatient second Ctrl-C. */
  async killAll(): Promise<void> {
    this.queue.length = 0;
    await Promise.all([...this.processes.values()].map((p) => p.stop("SIGKILL", 0)));
  }

  /**
   * Stops everything, all at once, each with its own signal and grace. Workers' records go
   * (the config file is their record); sessions' stay, so `ps` and `logs` still tell how a
   * session ended.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    if (this.leftoverWatch) clearInterval(this.leftoverWatch);
    for (const proc of this.queue.splice(0)) proc.markStopped("never started: the supervisor stopped");
    for (const proc of this.blocked) proc.markStopped("never started: the supervisor stopped");
    this.blocked.clear();
    // Dependants go before what they depend on, so a web server never outlives its database.
    for (const wave of stopOrder([...this.processes.values()].map((p) => p.spec))) {
      await Promise.all(wave.map((name) => this.processes.get(name)?.stop()));
    }
    // Anything an add that was already under way brought in goes too.
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    for (const proc of this.processes.values()) {
      proc.close();
      if (proc.spec.origin === "worker") {
        this.releaseWorktree(proc.record());
        removeProcessRecord(this.paths, proc.spec.name);
      }
    }
    this.processes.clear();
  }

  /** In worktree mode, the process's own checkout, with its cwd mapped into it. */
  private placeInWorktree(spec: ProcessSpec): { spec: ProcessSpec; worktree: string | null } {
    if (!this.repo) return { spec, worktree: null };
    const worktree = path.join(this.paths.home, "worktrees", spec.name);
    try {
      this.worktreeBases.set(spec.name, addWorktree(this.repo, worktree));
    } catch (error) {
      throw new TendError(`cannot create a worktree for "${spec.name}": ${(error as Error).message}`, "spawn_failed");
    }
    const rel = path.relative(this.repo, spec.cwd ?? this.options.dir);
    const cwd = rel.startsWith("..") || path.isAbsolute(rel) ? worktree : path.join(worktree, rel);
    return { spec: { ...spec, cwd }, worktree };
  }

  /** A worktree goes with its process, unless it holds changes: those are kept and reported. */
  private releaseWorktree(record: ProcessRecord): void {
    const worktree = record.status.worktree;
    if (!worktree || !this.repo) return;
    const base = this.worktreeBases.get(record.spec.name) ?? "";
    this.worktreeBases.delete(record.spec.name);
    try {
      if (worktreeHasChanges(worktree, base)) {
        this.events.notice?.(record.spec.name, `worktree kept at ${worktree}: it holds changes`, "warn");
      } else {
        removeWorktree(this.repo, worktree);
      }
    } catch (error) {
      this.events.notice?.(record.spec.name, `worktree ${worktree} left in place: ${(error as Error).message}`, "warn");
    }
  }

  /**
   * A process left running by a lost supervisor is nobody's child, so no exit event will ever
   * come for it: look every second, so those following or waiting on it learn that it ended.
   */
  private watchLeftovers(): void {
    const running = () => [...this.leftovers.values()].filter((r) => !isSettled(r.status.state));
    if (running().length === 0) return;
    this.leftoverWatch = setInterval(() => {
      for (const record of running()) {
        if (recordedProcessAlive(record)) continue;
        const ended: ProcessRecord = {
          ...record,
          status: { ...record.status, state: "stopped", pid: null, endedAt: this.clock.now(), reason: "ended while no supervisor watched it" },
        };
        this.leftovers.set(record.spec.name, ended);
        this.persist(ended);
        for (const l of this.listeners.get(record.spec.name) ?? []) l.change?.(ended);
      }
      if (running().length === 0 && this.leftoverWatch) clearInterval(this.leftoverWatch);
    }, LEFTOVER_CHECK_MS);
    this.leftoverWatch.unref();
  }

  private refuseWhileClosing(): void {
    if (this.closing) throw new TendError("the supervisor is stopping", "shutting_down", "try again once it has stopped");
  }

  private create(given: ProcessSpec): ManagedProcess {
    // Two requests replacing the same name: the second finds it taken again.
    if (this.processes.has(given.name) || this.leftovers.has(given.name)) {
      throw new TendError(`a process named "${given.name}" already exists`, "name_taken", "another request just took it");
    }
    const { spec, worktree } = this.placeInWorktree(given);
    const proc = new ManagedProcess(spec, {
      worktree,
      hideFromSandbox: [this.paths.home, this.paths.socket],
      clock: this.clock,
      logPath: logFile(this.paths, spec.name),
      markerPrefix: this.markerPrefix,
      baseEnv: {
        TEND_HOME: this.options.home,
        TEND_DIR: this.options.dir,
        TEND_SPAWN_MODE: this.spawnMode,
        TEND_CAPACITY: String(this.capacity),
      },
      onChange: (record, notice, level) => this.onChange(record, notice, level),
      onLine: (name, stream, line, partial) => {
        this.events.line?.(name, stream, line, partial);
        for (const l of this.listeners.get(name) ?? []) l.line?.(stream, line, partial);
      },
      wantsLines: (name) => this.events.line !== undefined || (this.listeners.get(name)?.size ?? 0) > 0,
      onChunk: (name, stream, chunk) => {
        for (const l of this.listeners.get(name) ?? []) l.chunk?.(stream, chunk);
      },
    });
    this.processes.set(spec.name, proc);
    return proc;
  }

  private startOne(proc: ManagedProcess): TendError | null {
    try {
      proc.start();
      return null;
    } catch (error) {
      return error instanceof TendError ? error : new TendError(String(error), "spawn_failed");
    }
  }

  private atCapacity(proc: ManagedProcess): boolean {
    if (this.capacity <= 0 || proc.spec.origin !== "session") return false;
    const running = [...this.processes.values()].filter((p) => p !== proc && p.spec.origin === "session" && !isSettled(p.state) && p.state !== "queued");
    return running.length >= this.capacity;
  }

  /**
   * Starts the blocked processes whose dependencies are met and parks those whose dependencies
   * failed (so nothing waits forever); the rest say what they wait for. Runs after the current
   * change has been handled, never inside it.
   */
  private checkDependencies(): void {
    if (this.dependencyCheckPending || this.blocked.size === 0) return;
    this.dependencyCheckPending = true;
    queueMicrotask(() => {
      this.dependencyCheckPending = false;
      for (const proc of [...this.blocked]) {
        const verdicts = Object.entries(proc.spec.dependsOn ?? {}).map(([dep, condition]) => {
          const p = this.processes.get(dep);
          const status = p && {
            state: p.state,
            hasProbe: p.spec.ready !== undefined,
            exitCode: p.record().status.exitCode,
            exitSignal: p.record().status.exitSignal,
            reason: p.record().status.reason,
          };
          return dependencyVerdict(condition, status, dep);
        });
        const failed = verdicts.find((v) => v.kind === "failed");
        const waiting = verdicts.find((v) => v.kind === "waiting");
        if (failed) {
          this.blocked.delete(proc);
          proc.markParked(failed.reason);
        } else if (waiting) {
          proc.markWaiting(waiting.reason);
        } else {
          this.blocked.delete(proc);
          if (this.atCapacity(proc)) {
            this.queue.push(proc);
            proc.markWaiting("queued: at capacity");
          } else this.startOne(proc);
        }
      }
    });
  }

  private dequeue(proc: ManagedProcess): void {
    const i = this.queue.indexOf(proc);
    if (i !== -1) this.queue.splice(i, 1);
    if (this.blocked.delete(proc) || i !== -1) proc.markStopped("stopped before it started");
  }

  private startQueued(): void {
    while (this.queue.length > 0 && !this.atCapacity(this.queue[0]!)) this.startOne(this.queue.shift()!);
  }

  private notFound(name: string): TendError {
    const known = this.list().map((r) => r.spec.name);
    return new TendError(
      `no process named "${name}"`,
      "not_found",
      known.length ? `known: ${known.join(", ")}` : "there are no processes; start one with tend bg or tend start",
    );
  }

  private persist(record: ProcessRecord): void {
    try {
      writeFileAtomic(processFile(this.paths, record.spec.name), `${JSON.stringify(record, null, 2)}\n`);
    } catch (error) {
      // A record that cannot be written (home removed, disk full) must not stop the
      // supervision itself: the process is still ours to restart or stop.
      this.events.notice?.(record.spec.name, `cannot record its state: ${(error as Error).message}`, "warn");
    }
  }

  private onChange(record: ProcessRecord, notice: string | null, level: NoticeLevel): void {
    if (this.processes.has(record.spec.name)) this.persist(record);
    if (notice) this.events.notice?.(record.spec.name, notice, level);
    for (const l of this.listeners.get(record.spec.name) ?? []) l.change?.(record);
    // A restart passes through "stopped" on its way back: that frees no slot.
    if (endedForGood(record.status)) queueMicrotask(() => this.startQueued());
    this.checkDependencies();
    this.events.change?.(record);
  }
}
