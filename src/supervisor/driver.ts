import type { Clock } from "../core/clock";
import type { NoticeLevel } from "../core/notice";
import type { ProcessRecord } from "../core/process-status";

/**
 * What the interpreter of a process's life (managed-process.ts) asks of the world: a driver
 * that runs it, and the runs that driver starts. ChildDriver runs real children; tests give one
 * that runs none.
 */

export interface ChildExit {
  code: number | null;
  signal: string | null;
  /** Processes of its tree that could not be signalled and still ran (another user's), in words; or null. */
  survivors: string | null;
}

/** What a run's readiness probe reports. */
export interface ProbeEvents {
  passed(): void;
  /** It gave up, or cannot pass (the port is someone else's): the message says why. */
  failed(message: string): void;
  attemptFailed(error: string): void;
}

/** One run of a process, as the driver started it. */
export interface Run {
  pid: number;
  pidStartTime: string | null;
  marker: string;
  /**
   * Resolves once the child exited, its output reached end-of-file and nothing of its tree runs
   * that tend may signal.
   */
  finished: Promise<ChildExit>;
  /** Ends the run's tree; resolves with what of it could not be signalled (in words), or null. */
  end(signal: string, graceMs: number): Promise<string | null>;
  /** Stops reading the run's output and lets it go: what is left of it is not ours to end. */
  abandon(): void;
  startProbe(on: ProbeEvents): void;
  cancelProbe(): void;
}

/** The outside world of one process: what the interpreter's effects act on. */
export interface ProcessDriver {
  clock: Clock;
  /** Starts a run, or throws a TendError saying why it cannot start. */
  spawn(restarts: number): Run;
  /** Ends the tree of a process an earlier supervisor left running, by its recorded identity. */
  endLeftover(record: ProcessRecord, signal: string, graceMs: number): Promise<string | null>;
  changed(record: ProcessRecord): void;
  notice(message: string, level: NoticeLevel): void;
  forget(): void;
  /** A bug in the handling of this process: logged; the process is marked and the rest goes on. */
  fault(what: string, error: unknown): void;
}
