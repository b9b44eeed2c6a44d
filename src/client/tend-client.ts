import { TendError } from "../core/errors";
import type { ProcessRecord } from "../core/process-status";
import type { SupervisorInfo } from "../core/supervisor-info";
import { namesWithLogs } from "../platform/log-files";
import { layout, tendHome } from "../platform/paths";
import { readProcessRecords } from "../platform/process-records";
import { readSupervisorState } from "../platform/supervisor-file";
import { answerTimeoutMs } from "./api-client";
import { launchSupervisor, type LaunchOptions } from "./launch";
import { OfflineClient } from "./offline-client";
import { OnlineClient } from "./online-client";
import { watchStatus, type StatusHandlers } from "./status-events";

export type { Attachment, KillOptions, KillOutcome, KillResult, StopOutcome, SupervisorView, TendClient } from "./tend-client-types";
import type { TendClient } from "./tend-client-types";


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
