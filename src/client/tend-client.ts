import type { CreatedBody, ProjectStoppedBody, WaitAnswer, WaitFor } from "../core/api-types";
import type { AttachQuery } from "../core/attach-protocol";
import type { NewProcessSpec } from "../core/create-body";
import { TendError } from "../core/errors";
import type { ProcessRecord } from "../core/process-status";
import type { ScreenCapture } from "../core/screen-capture";
import type { SupervisorInfo } from "../core/supervisor-info";
import { namesWithLogs } from "../platform/log-files";
import { layout, tendHome } from "../platform/paths";
import { readProcessRecords } from "../platform/process-records";
import { readSupervisorState } from "../platform/supervisor-file";
import { answerTimeoutMs } from "./api-client";
import type { AttachConnection, AttachHandlers } from "./attach";
import { launchSupervisor, type LaunchOptions } from "./launch";
import type { LogsOutcome, LogsRequest, LogsSink } from "./logs";
import { OfflineClient } from "./offline-client";
import { OnlineClient } from "./online-client";
import { watchStatus, type StatusHandlers } from "./status-events";

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

/** The client of one TEND_HOME, with what only the home as a whole can answer. */
export interface TendHome extends TendClient {
  readonly home: string;
  /** The running supervisor, or null. */
  supervisor(): SupervisorInfo | null;
  /** Starts a detached supervisor with these settings; resolves once it answers. */
  launch(opts: LaunchOptions): Promise<SupervisorInfo>;
  /** Every name with a record or a log, sorted. */
  logNames(): Promise<string[]>;
  /** The status now and every change from then on, across supervisors coming and going; returns the close function. */
  watch(handlers: StatusHandlers): () => void;
  /**
   * Every record, to read typed names against: the supervisor's, or the files' when none
   * runs or the one there does not answer.
   */
  knownRecords(): Promise<ProcessRecord[]>;
  /** The full names that have log files on disk. */
  loggedNames(): string[];
}

/**
 * The client of `home`. Each call goes to whoever answers for the home at that moment — the
 * supervisor if one runs, else the files — so a command that starts a supervisor (`bg`) talks
 * to it from its next call on, and one that outlives its supervisor falls back to the files.
 */
export function tendClient(home: string = tendHome()): TendHome {
  const paths = layout(home);
  // A bad TEND_TIMEOUT is said at once, not only once a supervisor is asked something.
  answerTimeoutMs();
  const current = (): TendClient => {
    const state = readSupervisorState(paths);
    return state.kind === "running" ? new OnlineClient(paths, state.info) : new OfflineClient(paths, state);
  };
  return {
    home,
    status: () => current().status(),
    list: () => current().list(),
    get: (name) => current().get(name),
    create: (processes, opts) => current().create(processes, opts),
    kill: (names, opts) => current().kill(names, opts),
    restart: (name) => current().restart(name),
    wait: (name, waitFor, timeoutMs, signal) => current().wait(name, waitFor, timeoutMs, signal),
    logs: (req, sink) => current().logs(req, sink),
    attach: (name) => current().attach(name),
    capture: (name, scrollback) => current().capture(name, scrollback),
    shutdown: () => current().shutdown(),
    stopProject: (project) => current().stopProject(project),
    supervisor() {
      const state = readSupervisorState(paths);
      return state.kind === "running" ? state.info : null;
    },
    launch: (opts) => launchSupervisor(paths, opts),
    watch: (handlers) => watchStatus(paths, handlers),
    async knownRecords() {
      try {
        return await current().list();
      } catch (error) {
        if (error instanceof TendError && (error.code === "not_answering" || error.code === "unreachable")) return readProcessRecords(paths).records;
        throw error;
      }
    },
    loggedNames: () => namesWithLogs(paths.logsDir),
    async logNames() {
      const records = await current().list();
      return [...new Set([...records.map((r) => r.spec.name), ...namesWithLogs(paths.logsDir)])].sort();
    },
  };
}
