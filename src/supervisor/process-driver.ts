import type { Clock } from "../core/clock";
import type { StreamName } from "../core/cri";
import type { NoticeLevel } from "../core/notice";
import { notReadyMessage } from "../core/probe-spec";
import type { ProcessSpec } from "../core/process-spec";
import type { ProcessRecord } from "../core/process-status";
import { splitName } from "../core/names";
import { isConfined } from "../core/sandbox-settings";
import { recordedProcessAlive } from "../platform/process-records";
import { describeUnsignalled, endTree } from "../platform/end-tree";
import { randomHex } from "../platform/ids";
import { MARKER_ENV } from "../platform/process-marker";
import { LogLoss, LogWriter } from "./log-writer";
import type { ProbeEvents, ProcessDriver, Run } from "./driver";
import { OutputPump } from "./output-pump";
import { ReadinessWatcher } from "../platform/readiness";
import { RecentOutput } from "./recent-output";
import { keepScreen, saveScreen, ScreenModel } from "./screen-model";
import { spawnChild, stopChild, type RunningChild, type SpawnRequest } from "./spawn-child";

/** What the supervisor gives the driver of each process. */
export interface DriverContext {
  clock: Clock;
  logPath: string;
  /** Where a `--tty` process's last screen is kept when a run of it ends. */
  screenPath: string;
  /** Prefix of every TEND_PROCESS_ID under this TEND_HOME, so leftovers can be found by home. */
  markerPrefix: string;
  /** TEND_* variables the supervisor gives every process (TEND_HOME, TEND_DIR, …). */
  baseEnv: Record<string, string>;
  /** What a sandboxed process must not reach: tend's state directory and control socket. */
  hideFromSandbox: string[];
  changed(record: ProcessRecord): void;
  notice(message: string, level: NoticeLevel): void;
  forget(): void;
  fault(what: string, error: unknown): void;
  onLine(stream: StreamName, line: Uint8Array, partial: boolean): void;
  onChunk(stream: StreamName, chunk: Uint8Array): void;
  /** Whether anything outside wants the process's lines one by one right now. */
  wantsLines(): boolean;
  /** The log started dropping lines (a full disk), or took them again. */
  logLoss(total: number, message: string, level: NoticeLevel): void;
}

/** A driver with the process's input, terminal size and recent output: what the supervisor holds. */
export interface ProcessIo extends ProcessDriver {
  readonly recent: RecentOutput;
  /** For a `--tty` process, its terminal's state: what attaching clients are shown. */
  readonly screen?: ScreenModel | null;
  /** Whether this supervisor has started it at least once (else its output is only in its log). */
  readonly hasRun: boolean;
  writeStdin(data: Uint8Array): void;
  resize(cols: number, rows: number): void;
}

/** Makes the driver of one process; tests give one that runs no real processes. */
export type DriverFactory = (spec: ProcessSpec, ctx: DriverContext) => ProcessIo;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Size of a PTY until an attached terminal tells its own. */
const DEFAULT_TTY = { cols: 120, rows: 40 };
/** What a `--tty` process started without TERM is told its terminal is: what the screen model emulates. */
const TTY_TERM = "xterm-256color";

/** The part of a driver that passes a process's news on to the supervisor, as it comes. */
export abstract class ReportingDriver {
  constructor(protected readonly ctx: DriverContext) {}

  changed(record: ProcessRecord): void {
    this.ctx.changed(record);
  }

  notice(message: string, level: NoticeLevel): void {
    this.ctx.notice(message, level);
  }

  forget(): void {
    this.ctx.forget();
  }

  fault(what: string, error: unknown): void {
    this.ctx.fault(what, error);
  }
}

/**
 * The real world of one process: spawns its runs with their output pumps and log file, ends
 * their trees, runs their readiness probes, and carries input and terminal size to the run
 * going now. The log file is open only while a run is, so a finished session holds no fd.
 */
export class ChildDriver extends ReportingDriver implements ProcessIo {
  readonly clock: Clock;
  /** For attaching clients: what the process last wrote, across restarts. */
  readonly recent = new RecentOutput();
  readonly screen: ScreenModel | null;
  private child: RunningChild | null = null;
  hasRun = false;
  private ttySize = { ...DEFAULT_TTY };
  private readonly logLoss: LogLoss;

  constructor(
    private readonly spec: ProcessSpec,
    ctx: DriverContext,
  ) {
    super(ctx);
    this.clock = ctx.clock;
    this.screen = spec.tty ? new ScreenModel(DEFAULT_TTY.cols, DEFAULT_TTY.rows, (reply) => this.writeStdin(encoder.encode(reply))) : null;
    this.logLoss = new LogLoss((loss, recovered) =>
      recovered
        ? ctx.logLoss(loss.total, `the log takes lines again; ${loss.pending.toLocaleString("en-US")} were lost (${loss.reason})`, "warn")
        : ctx.logLoss(loss.total, `the log cannot be written (${loss.reason}): its lines are dropped and counted until it can`, "error"),
    );
  }

  spawn(restarts: number): Run {
    const spec = this.spec;
    const marker = `${this.ctx.markerPrefix}${spec.name}/${randomHex(6)}`;
    const request: SpawnRequest = {
      argv: spec.command,
      cwd: spec.cwd ?? process.cwd(),
      env: {
        ...(process.env as Record<string, string>),
        ...(spec.tty && !process.env.TERM ? { TERM: TTY_TERM } : {}),
        ...spec.env,
        ...this.ctx.baseEnv,
        ...(spec.project ? { TEND_PROJECT: spec.project.name, TEND_DIR: spec.project.dir } : {}),
        TEND_NAME: splitName(spec.name).name,
        TEND_RESTARTS: String(restarts),
        TEND_SANDBOX: isConfined(spec.sandbox ?? null) ? "1" : "0",
        TEND_PERMISSION_MODE: spec.sandbox?.mode ?? "full",
        [MARKER_ENV]: marker,
      },
      marker,
      stopSignal: spec.stopSignal as NodeJS.Signals,
      graceMs: spec.graceMs,
      tty: spec.tty ? this.ttySize : null,
      sandbox: spec.sandbox ? { settings: spec.sandbox, hide: this.ctx.hideFromSandbox } : null,
    };
    let watcher: ReadinessWatcher | null = null;
    const logProbe = spec.ready?.check.kind === "log";
    const onLine = (stream: StreamName, line: Uint8Array, partial: boolean) => {
      this.ctx.onLine(stream, line, partial);
      if (logProbe) watcher?.line(decoder.decode(line));
    };
    const onChunk = (stream: StreamName, chunk: Uint8Array) => {
      if (this.screen) this.screen.write(chunk);
      else this.recent.push(chunk);
      this.ctx.onChunk(stream, chunk);
    };
    // A chatty child's lines cost only their copy into the log unless someone listens.
    const wantsLines = () => (logProbe && watcher !== null) || this.ctx.wantsLines();
    const log = new LogWriter(this.ctx.logPath, spec.log, this.logLoss);
    // The first run this supervisor starts of a process whose log has lines: those are another
    // run's (a new process of a reused name, or the runs an earlier supervisor watched).
    const anotherProcessLogged = !this.hasRun && !log.empty();
    let child: RunningChild;
    try {
      child = spawnChild(request, {
        stdout: new OutputPump("stdout", log, onLine, onChunk, wantsLines),
        stderr: new OutputPump("stderr", log, onLine, onChunk, wantsLines),
      });
    } catch (error) {
      log.close();
      throw error;
    }
    // Before any of its output is read: the pumps read asynchronously.
    if (anotherProcessLogged) log.note(`--- started at ${new Date(this.clock.now()).toISOString()} (pid ${child.pid}) ---`);
    this.child = child;
    this.hasRun = true;
    const stopKeeping = this.screen ? keepScreen(this.screen, this.ctx.screenPath) : null;
    let probe: ProbeEvents | null = null;
    const finished = child.finished
      .finally(() => {
        stopKeeping?.();
        // A server that could not bind its port because another holds it: the failure says who.
        const held = watcher?.heldAtExit();
        if (held) probe?.failed(held);
        watcher?.cancel();
        watcher = null;
        log.close();
        if (this.child === child) this.child = null;
      })
      .then(async (exit) => {
        if (this.screen) await saveScreen(this.screen, this.ctx.screenPath);
        return exit;
      });
    return {
      pid: child.pid,
      pidStartTime: child.pidStartTime,
      marker,
      finished,
      end: (signal, graceMs) => stopChild(child, request, signal as NodeJS.Signals, graceMs),
      abandon: () => child.abandon(),
      startProbe: (on) => {
        const ready = spec.ready;
        if (!ready) return;
        probe = on;
        const owner = { name: spec.name, tree: () => ({ pgid: child.pid, marker }) };
        watcher = new ReadinessWatcher(ready, { clock: this.clock, cwd: request.cwd, env: request.env, owner }, {
          ready: () => on.passed(),
          timedOut: (afterMs, lastError) => on.failed(notReadyMessage(afterMs, ready, lastError)),
          held: (message) => on.failed(message),
          attemptFailed: (error) => on.attemptFailed(error),
        });
        watcher.start();
      },
      cancelProbe: () => {
        watcher?.cancel();
        watcher = null;
      },
    };
  }

  async endLeftover(record: ProcessRecord, signal: string, graceMs: number): Promise<string | null> {
    const { marker } = record.status;
    if (!marker) return null;
    // The group is signalled only while its leader is provably the process recorded; the marker
    // still finds whatever of its tree is left once the leader is gone (or its pid reused).
    const pgid = recordedProcessAlive(record) ? record.status.pid : null;
    return describeUnsignalled(await endTree({ pgid, marker }, signal as NodeJS.Signals, graceMs));
  }

  /** Input for the run going now: its stdin pipe, or its terminal. Dropped when none runs. */
  writeStdin(data: Uint8Array): void {
    this.child?.writeStdin(data);
  }

  resize(cols: number, rows: number): void {
    this.ttySize = { cols, rows };
    this.screen?.resize(cols, rows);
    this.child?.resize(cols, rows);
  }
}
