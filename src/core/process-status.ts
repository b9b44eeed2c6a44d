import type { ProcessSpec } from "./process-spec";

export type ProcessState =
  | "queued"
  | "starting"
  | "running"
  | "ready"
  | "exited"
  | "crashed"
  | "backoff"
  | "parked"
  | "stopping"
  | "stopped";

/** What `ps --json` shows for one process and what `processes/<name>.json` keeps after it ends. */
export interface ProcessStatus {
  /** The full name: `project/name`, or the name alone for a process of no project. */
  name: string;
  /** Its project, or null. */
  project: string | null;
  origin: ProcessSpec["origin"];
  state: ProcessState;
  /** Why the process is in its state, in words (`parked: 5 rapid failures`, `restarting in 2s`). */
  reason: string | null;
  pid: number | null;
  /** Identity of `pid` (start time); a pid alone proves nothing once the process is gone. */
  pidStartTime: string | null;
  restarts: number;
  exitCode: number | null;
  exitSignal: string | null;
  startedAt: number | null;
  endedAt: number | null;
  nextRestartAt: number | null;
  /** Value of TEND_PROCESS_ID given to the current or last run; its descendants carry it too. */
  marker: string | null;
  /** The git worktree it runs in (spawn mode `worktree`), or null. */
  worktree: string | null;
  /** When the current run passed its readiness probe, or null. */
  readyAt: number | null;
  /** Why the current run's readiness probe gave up (`not ready after 60s: connection refused`), or null. */
  notReady: string | null;
  /**
   * Lines of output the log could not take (a full disk), since the process was added; a marker
   * line in the log says how many once it takes lines again. Absent in records of older versions.
   */
  logLinesLost?: number;
  /** While the probe still tries: why its last attempt failed (`connection refused`), or null. */
  probeError: string | null;
}

export interface ProcessRecord {
  spec: ProcessSpec;
  status: ProcessStatus;
}

/** Nothing more will happen to a process in one of these states without a command. */
export function isSettled(state: ProcessState): boolean {
  return state === "exited" || state === "crashed" || state === "parked" || state === "stopped";
}
