import path from "node:path";
import { admit, type Candidate } from "../core/admission";
import { systemClock, type Clock } from "../core/clock";
import type { StreamName } from "../core/cri";
import { stopOrder } from "../core/dependencies";
import { processNotFound, TendError, worktreeNeedsRepository } from "../core/errors";
import { adoptRecord, isSettledPhase, newLife } from "../core/lifecycle";
import type { NoticeLevel } from "../core/notice";
import { fullName, nameFromCommand, splitName } from "../core/names";
import type { ProcessSpec } from "../core/process-spec";
import type { ProcessRecord } from "../core/process-status";
import { removeAbandonedTemps } from "../platform/atomic-file";
import { appendToFile } from "../platform/home-trust";
import { addWorktree, removeWorktree, repoRoot, worktreeHasChanges } from "../platform/git-worktree";
import { ensureHome, ensureInnerDir, layout, logFile, screenFile, type HomeLayout } from "../platform/paths";
import { readProcessRecords, recordedProcessAlive } from "../platform/process-records";
import { markerPrefix } from "../platform/process-marker";
import { ManagedProcess } from "./managed-process";
import { ChildDriver, type DriverFactory, type ProcessIo } from "./process-driver";
import type { RecentOutput } from "./recent-output";
import { RecordWriter } from "./record-writer";
import type { ScreenModel } from "./screen-model";

export type SpawnMode = "same-dir" | "worktree";

/** How the supervisor tells the outside world what happens; the CLI decides how it looks. */
export interface SupervisorEvents {
  notice?(name: string | null, message: string, level: NoticeLevel): void;
  /** A process's output as it came (the producer may reuse the bytes once this returns). */
  chunk?(name: string, stream: StreamName, chunk: Uint8Array): void;
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

/** Every process's state changes, for the status event stream. */
export interface StatusListener {
  change(record: ProcessRecord): void;
  removed(record: ProcessRecord): void;
  /** The supervisor began to stop everything; the records' changes still follow. */
  closing(): void;
  /** Everything is stopped: nothing more will come. */
  closed(): void;
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
  /** What runs the processes; real children unless a test drives lives without them. */
  driver?: DriverFactory;
}

/** A process to add; without a name, one is derived from its command. */
export type NewProcess = Omit<ProcessSpec, "name"> & { name?: string };

export interface AddOptions {
  /** End and replace processes of the same name instead of refusing. */
  replace?: boolean;
}

const LEFTOVER_CHECK_MS = 1000;

interface Entry {
  proc: ManagedProcess;
  io: ProcessIo;
}

/**
 * The process table: adds, lists, stops, restarts and removes processes, and keeps
 * `processes/*.json` current. Each process's life is its lifecycle machine; what may start is
 * decided by admission over every process at once, after each change. Records left by an
 * earlier supervisor (finished sessions, or processes lost with it) are adopted into the same
 * machines. Nothing a listener or an effect throws reaches the event loop: it is logged to
 * `supervisor.log`, the process concerned is marked, and the rest goes on.
 */
export class Supervisor {
  readonly paths: HomeLayout;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Map<string, Set<OutputListener>>();
  private readonly watchers = new Set<StatusListener>();
  private readonly records: RecordWriter;
  private readonly clock: Clock;
  private readonly events: SupervisorEvents;
  private readonly capacity: number;
  private readonly spawnMode: SpawnMode;
  private readonly repo: string | null;
  private readonly worktreeBases = new Map<string, string>();
  private closing = false;
  private admitting = false;
  private admitAgain = false;
  private readonly leftoverWatch: ReturnType<typeof setInterval>;

  constructor(private readonly options: SupervisorOptions) {
    this.paths = layout(options.home);
    this.records = new RecordWriter(this.paths, (name, problem) =>
      this.events.notice?.(name, problem === null ? "its state is recorded again" : `cannot record its state: ${problem}`, problem === null ? "info" : "warn"),
    );
    this.clock = options.clock ?? systemClock;
    this.events = options.events ?? {};
    this.capacity = options.capacity ?? 0;
    this.spawnMode = options.spawnMode ?? "same-dir";
    this.repo = this.spawnMode === "worktree" ? repoRoot(options.dir) : null;
    if (this.spawnMode === "worktree" && !this.repo) {
      throw worktreeNeedsRepository(options.dir);
    }
    ensureHome(this.paths.home);
    ensureInnerDir(this.paths.processesDir);
    ensureInnerDir(this.paths.logsDir);
    for (const dir of [this.paths.home, this.paths.processesDir, this.paths.logsDir]) removeAbandonedTemps(dir);
    const now = this.clock.now();
    const stored = readProcessRecords(this.paths);
    for (const bad of stored.corrupt) {
      this.events.notice?.(null, `processes/${bad.file} is not a record (${bad.error}); set aside as ${bad.movedTo}`, "warn");
    }
    for (const record of stored.records) {
      const life = adoptRecord(record, recordedProcessAlive(record), now);
      this.entries.set(record.spec.name, this.entry(record.spec, life, record.status.worktree));
    }
    // A lost process is nobody's child, so no exit will ever be reported for it: look.
    this.leftoverWatch = setInterval(() => this.checkLost(), LEFTOVER_CHECK_MS);
    this.leftoverWatch.unref();
  }

  get markerPrefix(): string {
    return markerPrefix(this.options.home);
  }

  /**
   * Adds processes; admission starts them, or holds them (capacity, dependencies) with the
   * reason. Names are checked before anything starts, so a rejected batch changes nothing. A
   * process whose command cannot be started is parked with the reason and its error returned.
   */
  async add(batch: NewProcess[], opts: AddOptions = {}): Promise<{ records: ProcessRecord[]; errors: TendError[] }> {
    this.refuseWhileClosing();
    const taken = new Set(this.entries.keys());
    const named = new Set<string>();
    const specs: ProcessSpec[] = batch.map((p) => {
      const name = p.name ?? derivedName(p, [...taken, ...named]);
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

    const added: ManagedProcess[] = [];
    for (const spec of specs) {
      try {
        added.push(this.create(spec));
      } catch (error) {
        for (const p of added) await this.remove(p.spec.name, {});
        throw error;
      }
    }
    this.admitWaiting();
    const errors = added.flatMap((p) => (p.spawnError ? [p.spawnError] : []));
    return { records: added.map((p) => p.record()), errors };
  }

  list(): ProcessRecord[] {
    return [...this.entries.values()].map((e) => e.proc.record()).sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }

  get(name: string): ProcessRecord {
    return this.find(name).proc.record();
  }

  /** Stops one process (its whole tree) and keeps its record. */
  async stop(name: string, signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessRecord> {
    const { proc } = this.find(name);
    proc.send({ type: "stop", signal, graceMs, at: this.clock.now() });
    await proc.whenIdle();
    return proc.record();
  }

  /**
   * Stops a process if needed and forgets it: record gone, listeners told. With `keep` it is
   * only stopped. A process lost with an earlier supervisor is ended by its recorded identity.
   */
  async remove(name: string, opts: { signal?: NodeJS.Signals; graceMs?: number; keep?: boolean }): Promise<ProcessRecord> {
    if (opts.keep) return this.stop(name, opts.signal, opts.graceMs);
    const { proc } = this.find(name);
    proc.send({ type: "remove", signal: opts.signal, graceMs: opts.graceMs, at: this.clock.now() });
    await proc.whenIdle();
    return proc.record();
  }

  /** Stops a process if it runs and starts it afresh; one still waiting to start keeps its place. */
  async restart(name: string): Promise<ProcessRecord> {
    this.refuseWhileClosing();
    const { proc } = this.find(name);
    proc.send({ type: "restart", at: this.clock.now() });
    await proc.whenIdle();
    return proc.record();
  }

  writeStdin(name: string, data: Uint8Array): void {
    this.entries.get(name)?.io.writeStdin(data);
  }

  resize(name: string, cols: number, rows: number): void {
    this.entries.get(name)?.io.resize(cols, rows);
  }

  /** What a process last wrote while this supervisor ran it; null for one it never ran. */
  recentOutput(name: string): RecentOutput | null {
    const { io } = this.find(name);
    return io.hasRun ? io.recent : null;
  }

  /** The terminal model of a `--tty` process of this supervisor. */
  screen(name: string): ScreenModel | null {
    return this.entries.get(name)?.io.screen ?? null;
  }

  /** Live output and state changes of one process; returns the unsubscribe function. */
  subscribe(name: string, listener: OutputListener): () => void {
    this.find(name);
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Every process's state changes from now on; returns the unsubscribe function. */
  watch(listener: StatusListener): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  /** Whether anything runs, waits to start or waits to restart (a lost process is not ours to wait for). */
  busy(): boolean {
    return [...this.entries.values()].some((e) => !isSettledPhase(e.proc.phase) && e.proc.phase.kind !== "lost");
  }

  /** Ends every process's tree at once with SIGKILL: the answer to an impatient second Ctrl-C. */
  async killAll(): Promise<void> {
    await Promise.all(this.ours().map((proc) => this.stop(proc.spec.name, "SIGKILL", 0)));
  }

  /**
   * Stops everything, each with its own signal and grace, dependants before what they depend
   * on. Workers' records go (the config file is their record); sessions' stay, so `ps` and
   * `logs` still tell how a session ended. Processes lost with an earlier supervisor are left
   * as they are.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.leftoverWatch);
    for (const w of this.watchers) this.guard("a status watcher", () => w.closing());
    const at = this.clock.now();
    for (const proc of this.ours()) {
      if (proc.phase.kind === "waiting") proc.send({ type: "stop", reason: "never started: the supervisor stopped", at });
    }
    for (const wave of stopOrder(this.ours().map((p) => p.spec))) {
      await Promise.all(wave.map((name) => this.stop(name).catch(() => {})));
    }
    // Anything an add that was already under way brought in goes too.
    await Promise.all(this.ours().map((p) => this.stop(p.spec.name).catch(() => {})));
    for (const { proc } of this.entries.values()) {
      if (proc.spec.origin === "worker" && proc.phase.kind !== "lost") {
        this.releaseWorktree(proc.record());
        this.records.remove(proc.spec.name);
      }
    }
    this.entries.clear();
    for (const w of this.watchers) this.guard("a status watcher", () => w.closed());
    this.watchers.clear();
  }

  /**
   * Stops one project's processes, as `shutdown` stops all of them: dependants first; workers'
   * records go, sessions' stay. Other projects' processes and sessions are left alone.
   */
  async stopProject(project: string): Promise<ProcessRecord[]> {
    const mine = () => this.ours().filter((p) => p.spec.project?.name === project);
    const at = this.clock.now();
    for (const proc of mine()) if (proc.phase.kind === "waiting") proc.send({ type: "stop", reason: "never started: its project was stopped", at });
    for (const wave of stopOrder(mine().map((p) => p.spec))) {
      await Promise.all(wave.map((name) => this.stop(name).catch(() => {})));
    }
    const stopped = mine().map((p) => p.record());
    for (const proc of mine()) if (proc.spec.origin === "worker") await this.remove(proc.spec.name, {}).catch(() => {});
    return stopped;
  }

  /** Processes this supervisor runs or may run: all but those lost with an earlier one. */
  private ours(): ManagedProcess[] {
    return [...this.entries.values()].map((e) => e.proc).filter((p) => p.phase.kind !== "lost");
  }

  private find(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw this.notFound(name);
    return entry;
  }

  private create(given: ProcessSpec): ManagedProcess {
    // Two requests replacing the same name: the second finds it taken again.
    if (this.entries.has(given.name)) {
      throw new TendError(`a process named "${given.name}" already exists`, "name_taken", "another request just took it");
    }
    if (given.project) {
      ensureInnerDir(path.join(this.paths.processesDir, given.project.name));
      ensureInnerDir(path.join(this.paths.logsDir, given.project.name));
    }
    const { spec, worktree } = this.placeInWorktree(given);
    const entry = this.entry(spec, newLife(this.clock.now(), spec), worktree);
    this.entries.set(spec.name, entry);
    return entry.proc;
  }

  private entry(spec: ProcessSpec, life: ReturnType<typeof newLife>, worktree: string | null): Entry {
    const name = spec.name;
    let proc: ManagedProcess;
    const makeDriver = this.options.driver ?? ((s, ctx) => new ChildDriver(s, ctx));
    const io = makeDriver(spec, {
      clock: this.clock,
      logPath: logFile(this.paths, name),
      screenPath: screenFile(this.paths, name),
      markerPrefix: this.markerPrefix,
      hideFromSandbox: [this.paths.home, this.paths.socket],
      baseEnv: {
        TEND_HOME: this.options.home,
        TEND_DIR: this.options.dir,
        TEND_SPAWN_MODE: this.spawnMode,
        TEND_CAPACITY: String(this.capacity),
      },
      changed: (record) => this.onChange(proc, record),
      notice: (message, level) => this.guard(`a notice of ${name}`, () => this.events.notice?.(name, message, level)),
      forget: () => this.forget(proc),
      fault: (what, error) => this.fault(what, error),
      onLine: (stream, line, partial) => {
        for (const l of this.listeners.get(name) ?? []) this.guard(`a listener of ${name}`, () => l.line?.(stream, line, partial));
      },
      onChunk: (stream, chunk) => {
        if (this.events.chunk) this.guard(`the output of ${name}`, () => this.events.chunk?.(name, stream, chunk));
        for (const l of this.listeners.get(name) ?? []) this.guard(`a listener of ${name}`, () => l.chunk?.(stream, chunk));
      },
      wantsLines: () => (this.listeners.get(name)?.size ?? 0) > 0,
      logLoss: (total, message, level) => proc.send({ type: "log-loss", total, message, level }),
    });
    proc = new ManagedProcess(spec, io, life, worktree);
    return { proc, io };
  }

  /** Runs admission until it has nothing more to say; a change it causes asks again. */
  private admitWaiting(): void {
    if (this.admitting) {
      this.admitAgain = true;
      return;
    }
    this.admitting = true;
    try {
      do {
        this.admitAgain = false;
        const procs = [...this.entries.values()].map((e) => e.proc);
        if (!procs.some((p) => p.phase.kind === "waiting")) break;
        const verdicts = admit(procs.map(candidate), this.capacity);
        for (const proc of procs) {
          const verdict = verdicts.get(proc.spec.name);
          if (!verdict || this.entries.get(proc.spec.name)?.proc !== proc) continue;
          if (verdict.kind === "start") proc.send({ type: "admit" });
          else if (verdict.kind === "hold") proc.send({ type: "hold", for: verdict.for, reason: verdict.reason });
          else proc.send({ type: "refuse", reason: verdict.reason, at: this.clock.now() });
        }
      } while (this.admitAgain);
    } catch (error) {
      this.fault("admission", error);
    } finally {
      this.admitting = false;
    }
  }

  private checkLost(): void {
    for (const { proc } of this.entries.values()) {
      if (proc.phase.kind === "lost" && !recordedProcessAlive(proc.record())) proc.send({ type: "leftover-gone", at: this.clock.now() });
    }
  }

  private onChange(proc: ManagedProcess, record: ProcessRecord): void {
    if (this.entries.get(record.spec.name)?.proc !== proc) return;
    this.persist(record);
    for (const l of this.listeners.get(record.spec.name) ?? []) this.guard(`a listener of ${record.spec.name}`, () => l.change?.(record));
    for (const w of this.watchers) this.guard("a status watcher", () => w.change(record));
    this.admitWaiting();
    this.guard("the change listener", () => this.events.change?.(record));
  }

  /** The process is removed: its record and listeners go, and its worktree unless it holds changes. */
  private forget(proc: ManagedProcess): void {
    const name = proc.spec.name;
    // Another request may have removed it while we waited, and even added a new one by the same name.
    if (this.entries.get(name)?.proc !== proc) return;
    this.entries.delete(name);
    this.releaseWorktree(proc.record());
    this.records.remove(name);
    for (const l of this.listeners.get(name) ?? []) this.guard(`a listener of ${name}`, () => l.removed?.());
    this.listeners.delete(name);
    const record = proc.record();
    for (const w of this.watchers) this.guard("a status watcher", () => w.removed(record));
    this.admitWaiting();
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

  private refuseWhileClosing(): void {
    if (this.closing) throw new TendError("the supervisor is stopping", "shutting_down", "try again once it has stopped");
  }

  private notFound(name: string): TendError {
    return processNotFound(name, this.list().map((r) => r.spec.name));
  }

  /** A record that cannot be written (disk full) never stops the supervision: it is tried again. */
  private persist(record: ProcessRecord): void {
    this.records.write(record);
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.fault(what, error);
    }
  }

  /** A bug in tend's own handling: into supervisor.log with its stack, never out of the event loop. */
  fault(what: string, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    try {
      appendToFile(this.paths.supervisorLog, `${new Date(this.clock.now()).toISOString()} error internal error in ${what}: ${detail}\n`);
    } catch {
      // Nowhere to write it; the process concerned is still marked.
    }
    try {
      this.events.notice?.(null, `internal error in ${what}: ${(error as Error)?.message ?? error} (see ${this.paths.supervisorLog})`, "error");
    } catch {
      // The notice listener is what failed.
    }
  }
}

/** A name from the command, unique among the names of its own project. */
function derivedName(p: NewProcess, taken: string[]): string {
  const project = p.project?.name ?? null;
  const inProject = taken.map(splitName).filter((n) => n.project === project).map((n) => n.name);
  return fullName(project, nameFromCommand(p.command, new Set(inProject)));
}

function candidate(proc: ManagedProcess): Candidate {
  const { status } = proc.record();
  const phase = proc.phase;
  return {
    name: proc.spec.name,
    origin: proc.spec.origin,
    state: status.state,
    waitingSince: phase.kind === "waiting" ? phase.since : null,
    restarting: phase.kind === "stopping" && phase.then === "restart",
    dependsOn: proc.spec.dependsOn,
    dep: { hasProbe: proc.spec.ready !== undefined, exitCode: status.exitCode, exitSignal: status.exitSignal, reason: status.reason },
  };
}
