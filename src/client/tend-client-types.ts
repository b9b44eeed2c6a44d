import type { CreatedBody, ProjectStoppedBody, WaitAnswer, WaitFor } from "../core/api-types";
import type { AttachQuery } from "../core/attach-protocol";
import type { NewProcessSpec } from "../core/create-body";
import type { ProcessRecord } from "../core/process-status";
import type { ScreenCapture } from "../core/screen-capture";
import type { SupervisorInfo } from "../core/supervisor-info";
import type { AttachConnection, AttachHandlers } from "./attach";
import type { LogsOutcome, LogsRequest, LogsSink } from "./logs";

export type SupervisorView =
  | { state: "running"; info: SupervisorInfo; processes: ProcessRecord[] }
  /** Alive by its pid and start time, but not answering on its socket; the records are the files'. */
  | { state: "unresponsive"; info: SupervisorInfo; error: string; processes: ProcessRecord[] }
  | { state: "stopped"; processes: ProcessRecord[]; cleaned: string | null; lost: string[] };

export interface KillOptions {
  signal?: NodeJS.Signals;
  graceMs?: number;
  keep?: boolean;
}

export interface KillOutcome {
  name: string;
  /** The pid it had, if it was running. */
  pid: number | null;
  wasRunning: boolean;
  /** What of its tree could not be signalled (another user's processes) and still runs, in words. */
  survivors: string | null;
}

export interface KillResult {
  killed: KillOutcome[];
  /** Pids of this TEND_HOME's processes that no record named, ended too (with `all`). */
  strays: number[];
  /** The supervisor that did not answer and was ended with them (with `all`). */
  unanswered: number | null;
}

export type StopOutcome =
  /** `left`: what of its state the supervisor could not remove (a home that turned read-only). */
  | { kind: "stopped"; pid: number; tookMs: number; left: string | null }
  | { kind: "not-running" }
  | { kind: "cleaned"; message: string };

export type Attachment =
  | { kind: "live"; record: ProcessRecord; open(query: AttachQuery, handlers: AttachHandlers): Promise<AttachConnection> }
  /** No supervisor holds it: how it ended, and what it showed last. */
  | { kind: "ended"; record: ProcessRecord; watched: boolean; screen: ScreenCapture | null; lines: string[] };

/**
 * What the front ends can ask of tend, answered by the running supervisor over its socket
 * (OnlineClient) or, when none runs, from the state files it left (OfflineClient) — the same
 * questions either way. Where a command needs a supervisor that is not there (`bg`, `restart`
 * of a finished session), the offline side starts one, as the command would have.
 */
export interface TendClient {
  /** The supervisor, or why there is none, and every process. */
  status(): Promise<SupervisorView>;
  list(): Promise<ProcessRecord[]>;
  get(name: string): Promise<ProcessRecord>;
  create(processes: NewProcessSpec[], opts?: { replace?: boolean }): Promise<CreatedBody>;
  kill(names: string[] | "all", opts: KillOptions): Promise<KillResult>;
  restart(name: string): Promise<ProcessRecord>;
  wait(name: string, waitFor: WaitFor, timeoutMs: number, signal?: AbortSignal): Promise<WaitAnswer>;
  logs(req: LogsRequest, sink: LogsSink): Promise<LogsOutcome>;
  /** What attaching to NAME finds: a live process to connect to, or how it ended. */
  attach(name: string): Promise<Attachment>;
  capture(name: string, scrollback: number): Promise<ScreenCapture>;
  /** Stops the supervisor and everything it holds, and waits until it is gone. */
  shutdown(): Promise<StopOutcome>;
  /**
   * Stops one project's processes (workers' records go, sessions' stay); the supervisor
   * leaves too once nothing of any project is left.
   */
  stopProject(project: string): Promise<ProjectStoppedBody>;
}
