import { randomBytes } from "node:crypto";
import type { Clock } from "../core/clock";
import type { StreamName } from "../core/cri";
import { formatDuration } from "../core/duration";
import { TendError } from "../core/errors";
import { describeProbe, notReadyMessage, type ProbeSpec } from "../core/probe-spec";
import type { ProcessSpec } from "../core/process-spec";
import { isConfined } from "../core/sandbox-settings";
import { isSettled, type ProcessRecord, type ProcessState, type ProcessStatus } from "../core/process-status";
import { decideAfterExit, describeExit, freshHistory, type RestartHistory } from "../core/restart-policy";
import { MARKER_ENV } from "../platform/process-marker";
import { LogWriter } from "./log-writer";
import { OutputPump } from "./output-pump";
import { ReadinessWatcher } from "../platform/readiness";
import { RecentOutput } from "./recent-output";
import { spawnChild, stopChild, type ChildExit, type RunningChild, type SpawnRequest } from "./spawn-child";

export interface ProcessContext {
  clock: Clock;
  logPath: string;
  /** Prefix of every TEND_PROCESS_ID under this TEND_HOME, so leftovers can be found by home. */
  markerPrefix: string;
  /** TEND_* variables the supervisor gives every process (TEND_HOME, TEND_DIR, …). */
  baseEnv: Record<string, string>;
  /** The git worktree the process runs in, when the supervisor gives each its own. */
  worktree: string | null;
  /** What a sandboxed process must not reach: tend's state directory and control socket. */
  hideFromSandbox: string[];
  onChange(record: ProcessRecord, notice: string | null, level: "info" | "warn" | "error"): void;
  onLine(name: string, stream: StreamName, line: Uint8Array, partial: boolean): void;
  onChunk(name: string, stream: StreamName, chunk: Uint8Array): void;
  /** Whether anything outside wants the process's lines one by one right now. */
  wantsLines(name: string): boolean;
}

/** Reason of the "stopped" a restart passes through on its way to starting again. */
export const RESTARTING = "restarting";

/** Nothing more will come from the process without a command; a restart's passing stop is not that. */
export function endedForGood(status: ProcessStatus): boolean {
  return isSettled(status.state) && status.reason !== RESTARTING;
}

const decoder = new TextDecoder();

/** Size of a PTY until an attached terminal tells its own. */
const DEFAULT_TTY = { cols: 120, rows: 40 };

/**
 * One supervised process: spawns it, records every transition, and asks the restart policy
 * what to do after each exit. The policy decides; this class owns the timer.
 */
export class ManagedProcess {
  private status: ProcessStatus;
  private history: RestartHistory;
  private log: LogWriter;
  private child: RunningChild | null = null;
  private request: SpawnRequest | null = null;
  private timer: unknown = null;
  private stopRequested = false;
  private restarting = false;
  private settled: Promise<void> = Promise.resolve();
  private ttySize = { ...DEFAULT_TTY };
  private watcher: ReadinessWatcher | null = null;
  /** Bumped by every stop, so a restart can tell that another stop came while it waited. */
  private stopTicket = 0;
  private closed = false;
  /** For attaching clients: what the process last wrote, across restarts. */
  readonly recent = new RecentOutput();

  constructor(
    readonly spec: ProcessSpec,
    private readonly ctx: ProcessContext,
  ) {
    this.history = freshHistory(spec.restart);
    this.log = new LogWriter(ctx.logPath, spec.log);
    this.status = {
      name: spec.name,
      origin: spec.origin,
      state: "queued",
      reason: null,
      pid: null,
      pidStartTime: null,
      restarts: 0,
      exitCode: null,
      exitSignal: null,
      startedAt: null,
      endedAt: null,
      nextRestartAt: null,
      marker: null,
      worktree: ctx.worktree,
      readyAt: null,
      notReady: null,
    };
  }

  record(): ProcessRecord {
    return { spec: this.spec, status: { ...this.status } };
  }

  /** Starts the process now. A command that cannot be started throws (and parks it). */
  start(): void {
    if (this.closed) throw new TendError(`"${this.spec.name}" was removed`, "not_found");
    this.stopRequested = false;
    this.clearTimer();
    const marker = `${this.ctx.markerPrefix}${this.spec.name}/${randomBytes(6).toString("hex")}`;
    const request: SpawnRequest = {
      argv: this.spec.command,
      cwd: this.spec.cwd ?? process.cwd(),
      env: {
        ...(process.env as Record<string, string>),
        ...this.spec.env,
        ...this.ctx.baseEnv,
        TEND_NAME: this.spec.name,
        TEND_RESTARTS: String(this.history.restarts),
        TEND_SANDBOX: isConfined(this.spec.sandbox ?? null) ? "1" : "0",
        TEND_PERMISSION_MODE: this.spec.sandbox?.mode ?? "full",
        [MARKER_ENV]: marker,
      },
      marker,
      stopSignal: this.spec.stopSignal as NodeJS.Signals,
      graceMs: this.spec.graceMs,
      tty: this.spec.tty ? this.ttySize : null,
      sandbox: this.spec.sandbox ? { settings: this.spec.sandbox, hide: this.ctx.hideFromSandbox } : null,
    };
    this.set({ state: "starting", reason: null, nextRestartAt: null, marker, readyAt: null, notReady: null }, null);
    let child: RunningChild;
    try {
      const logProbe = this.spec.ready?.check.kind === "log";
      const onLine = (stream: StreamName, line: Uint8Array, partial: boolean) => {
        this.ctx.onLine(this.spec.name, stream, line, partial);
        if (logProbe) this.watcher?.line(decoder.decode(line));
      };
      const onChunk = (stream: StreamName, chunk: Uint8Array) => {
        this.recent.push(chunk);
        this.ctx.onChunk(this.spec.name, stream, chunk);
      };
      // A chatty child's lines cost only their copy into the log unless someone listens.
      const wantsLines = () => (logProbe && this.watcher !== null) || this.ctx.wantsLines(this.spec.name);
      child = spawnChild(request, {
        stdout: new OutputPump("stdout", this.log, onLine, onChunk, wantsLines),
        stderr: new OutputPump("stderr", this.log, onLine, onChunk, wantsLines),
      });
    } catch (error) {
      const reason = error instanceof TendError ? error.message : String(error);
      this.set({ state: "parked", reason, pid: null, endedAt: this.ctx.clock.now() }, `parked: ${reason}`, "error");
      throw error;
    }
    this.child = child;
    this.request = request;
    const startedAt = this.ctx.clock.now();
    this.set(
      { state: "running", pid: child.pid, pidStartTime: child.pidStartTime, startedAt, endedAt: null, exitCode: null, exitSignal: null },
      `spawned pid ${child.pid}`,
    );
    this.settled = child.finished.then((exit) => this.onExit(child, exit, startedAt));
    if (this.spec.ready) this.watchReadiness(this.spec.ready, child, request);
  }

  /** Runs the probe against this run; "ready" and "not ready" are recorded like any transition. */
  private watchReadiness(probe: ProbeSpec, child: RunningChild, request: SpawnRequest): void {
    const what = describeProbe(probe);
    this.watcher = new ReadinessWatcher(
      probe,
      { clock: this.ctx.clock, cwd: request.cwd, env: request.env },
      {
        ready: (afterMs) => {
          if (this.child !== child) return;
          this.set({ state: "ready", readyAt: this.ctx.clock.now() }, `ready after ${formatDuration(afterMs)} (${what})`);
        },
        timedOut: (afterMs, lastError) => {
          if (this.child !== child) return;
          const notReady = notReadyMessage(afterMs, probe, lastError);
          this.set({ notReady, reason: notReady }, notReady, "error");
        },
      },
    );
    this.watcher.start();
  }

  /** Stops the process (and its whole tree) and keeps it from restarting. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void> {
    this.stopTicket += 1;
    return this.halt(signal, graceMs);
  }

  private async halt(signal?: NodeJS.Signals, graceMs?: number): Promise<void> {
    this.stopRequested = true;
    this.watcher?.cancel();
    this.watcher = null;
    if (this.timer !== null) {
      this.clearTimer();
      this.set({ state: "stopped", reason: this.restarting ? RESTARTING : "stopped while waiting to restart", nextRestartAt: null }, null);
    }
    const child = this.child;
    const request = this.request;
    if (child && request) {
      this.set({ state: "stopping", reason: null }, `stopping (${signal ?? request.stopSignal}, grace ${formatDuration(graceMs ?? request.graceMs)})`);
      await stopChild(child, request, signal, graceMs);
    }
    await this.settled;
  }

  /**
   * Stops the process if it runs, then starts it afresh with a clean restart history — unless
   * someone stopped or removed it while we waited, which wins: a kill during a restart must not
   * bring back a process nobody tracks.
   */
  async restart(): Promise<boolean> {
    const ticket = ++this.stopTicket;
    // A restart already counted when it was scheduled is not counted again.
    const counted = this.status.state === "backoff";
    this.restarting = true;
    await this.halt().finally(() => (this.restarting = false));
    if (ticket !== this.stopTicket || this.closed) return false;
    this.history = { ...freshHistory(this.spec.restart), restarts: this.history.restarts + (counted ? 0 : 1) };
    this.status.restarts = this.history.restarts;
    this.start();
    return true;
  }

  /** Input for the process: its stdin pipe, or its terminal. Dropped when it is not running. */
  writeStdin(data: Uint8Array): void {
    this.child?.writeStdin(data);
  }

  resize(cols: number, rows: number): void {
    this.ttySize = { cols, rows };
    this.child?.resize(cols, rows);
  }

  /** Ends a process that never started (it was queued) without running it. */
  markStopped(reason: string): void {
    this.set({ state: "stopped", reason }, null);
  }

  /** Holds a process that has not started yet: queued with why, or parked when it never will. */
  markWaiting(reason: string): void {
    if (this.status.state === "queued" && this.status.reason === reason) return;
    this.set({ state: "queued", reason }, reason);
  }

  markParked(reason: string): void {
    this.set({ state: "parked", reason, endedAt: this.ctx.clock.now() }, `parked: ${reason}`, "error");
  }

  /** Closes the log file; call once the process is stopped for good. Nothing starts it again. */
  close(): void {
    this.closed = true;
    this.log.close();
  }

  get state(): ProcessState {
    return this.status.state;
  }

  private onExit(child: RunningChild, exit: ChildExit, startedAt: number): void {
    if (this.child !== child) return;
    this.watcher?.cancel();
    this.watcher = null;
    this.child = null;
    this.request = null;
    const endedAt = this.ctx.clock.now();
    const how = describeExit(exit.code, exit.signal);
    const ended = { pid: null, exitCode: exit.code, exitSignal: exit.signal, endedAt };
    if (this.stopRequested) {
      this.set({ ...ended, state: "stopped", reason: this.restarting ? RESTARTING : null }, `stopped (${how})`);
      return;
    }
    const decision = decideAfterExit(this.spec.restart, this.history, { ...exit, startedAt, endedAt });
    this.history = decision.history;
    const failed = exit.code !== 0 || exit.signal !== null;
    if (decision.action === "restart") {
      const nextRestartAt = endedAt + decision.delayMs;
      this.status.restarts = decision.history.restarts;
      const reason = `restarting in ${formatDuration(decision.delayMs)}`;
      this.set({ ...ended, state: "backoff", reason, nextRestartAt }, `exited ${how}, ${reason}`, failed ? "warn" : "info");
      this.timer = this.ctx.clock.setTimeout(() => {
        this.timer = null;
        try {
          this.start();
        } catch {
          // Already recorded as parked with the reason.
        }
      }, decision.delayMs);
    } else if (decision.action === "park") {
      this.set({ ...ended, state: "parked", reason: decision.reason }, `exited ${how}, parked: ${decision.reason}`, "error");
    } else {
      this.set({ ...ended, state: failed ? "crashed" : "exited", reason: null }, `exited ${how}`, failed ? "warn" : "info");
    }
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    this.ctx.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private set(patch: Partial<ProcessStatus>, notice: string | null, level: "info" | "warn" | "error" = "info"): void {
    Object.assign(this.status, patch);
    this.ctx.onChange(this.record(), notice, level);
  }
}
