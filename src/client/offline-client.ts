import type { CreatedBody, ProjectStoppedBody, WaitAnswer, WaitFor } from "../core/api-types";
import { ATTACH_LAST_LINES } from "../core/attach-protocol";
import type { NewProcessSpec } from "../core/create-body";
import { processNotFound, TendError } from "../core/errors";
import { isSettled, type ProcessRecord } from "../core/process-status";
import { withScrollback, type ScreenCapture } from "../core/screen-capture";
import { lastLoggedLines } from "../platform/log-tail";
import type { HomeLayout } from "../platform/paths";
import { readProcessRecords, recordedProcessAlive } from "../platform/process-records";
import { clearSupervisorState, type SupervisorState } from "../platform/supervisor-file";
import { lastScreenOnDisk } from "./capture";
import { endRecorded } from "./end-recorded";
import { ensureSupervisor } from "./ensure-supervisor";
import { logsFromFiles, type LogsOutcome, type LogsRequest, type LogsSink } from "./logs";
import { OnlineClient } from "./online-client";
import type { Attachment, KillOptions, KillResult, StopOutcome, SupervisorView, TendClient } from "./tend-client-types";

type NotRunning = Exclude<SupervisorState, { kind: "running" }>;

/** Readiness is something only a supervisor can see happen. */
export function cannotBecomeReady(name: string): TendError {
  return new TendError(`no supervisor is running, so "${name}" cannot become ready`, "not_running", 'start it with "tend bg" or "tend start"');
}

/**
 * The client when no supervisor runs: answers from the records and logs it left. What needs a
 * supervisor either starts one on demand (adding or restarting a process) or says none runs.
 */
export class OfflineClient implements TendClient {
  constructor(
    private readonly paths: HomeLayout,
    private readonly state: NotRunning,
  ) {}

  async status(): Promise<SupervisorView> {
    return { state: "stopped", cleaned: this.cleanUp(), ...this.recordsWithoutSupervisor() };
  }

  async list(): Promise<ProcessRecord[]> {
    return readProcessRecords(this.paths).records;
  }

  async get(name: string): Promise<ProcessRecord> {
    const records = await this.list();
    const record = records.find((r) => r.spec.name === name);
    if (!record) throw processNotFound(name, records.map((r) => r.spec.name));
    return record;
  }

  async create(processes: NewProcessSpec[], opts?: { replace?: boolean }): Promise<CreatedBody> {
    return (await this.startOnDemand()).create(processes, opts);
  }

  kill(names: string[] | "all", opts: KillOptions): Promise<KillResult> {
    return endRecorded(this.paths, names, opts);
  }

  /** A finished session can be restarted after its supervisor left: one is started for it. */
  async restart(name: string): Promise<ProcessRecord> {
    await this.get(name);
    return (await this.startOnDemand()).restart(name);
  }

  /** The record on disk is the last word, if it says how the process ended. */
  async wait(name: string, waitFor: WaitFor): Promise<WaitAnswer> {
    if (waitFor === "ready") throw cannotBecomeReady(name);
    const record = await this.get(name);
    if (!isSettled(record.status.state)) {
      throw new TendError(`no supervisor is running, and ${name} had not ended when it was last recorded`, "not_running", 'see "tend status"');
    }
    return { outcome: "exited", record };
  }

  logs(req: LogsRequest, sink: LogsSink): Promise<LogsOutcome> {
    return logsFromFiles(this.paths, req, sink);
  }

  /** Nothing runs, but a finished session's record and last output stay on disk. */
  async attach(name: string): Promise<Attachment> {
    const record = await this.get(name);
    const settled = isSettled(record.status.state);
    if (!settled && recordedProcessAlive(record)) {
      throw new TendError(
        `"${name}" was left running by a supervisor that is gone, and nothing holds its input and output now`,
        "not_attachable",
        `end it with "tend kill ${name}"`,
      );
    }
    const screen = record.spec.tty ? lastScreenOnDisk(this.paths, record) : null;
    const lines = screen ? [] : lastLoggedLines(this.paths.logsDir, name, ATTACH_LAST_LINES);
    return { kind: "ended", record, watched: settled, screen, lines };
  }

  async capture(name: string, scrollback: number): Promise<ScreenCapture> {
    return withScrollback(lastScreenOnDisk(this.paths, await this.get(name)), scrollback);
  }

  async shutdown(): Promise<StopOutcome> {
    const cleaned = this.cleanUp();
    return cleaned ? { kind: "cleaned", message: `${cleaned}; nothing to stop` } : { kind: "not-running" };
  }

  /** With no supervisor nothing of the project runs but what a lost one left: that goes by its records. */
  async stopProject(project: string): Promise<ProjectStoppedBody> {
    const mine = this.recordsWithoutSupervisor().processes.filter((r) => r.spec.project?.name === project);
    const lost = mine.filter((r) => !isSettled(r.status.state)).map((r) => r.spec.name);
    if (lost.length > 0) await this.kill(lost, { keep: true });
    return { stopped: mine, supervisorLeaving: false };
  }

  private async startOnDemand(): Promise<OnlineClient> {
    return new OnlineClient(this.paths, await ensureSupervisor(this.paths, process.cwd()));
  }

  /** What was cleaned up after a supervisor that is gone, in words; null when nothing was. */
  private cleanUp(): string | null {
    if (this.state.kind === "stale") {
      const left = clearSupervisorState(this.paths, this.state.info);
      return left ? `stale state (supervisor ${this.state.why}): ${left}` : `stale state cleaned up (supervisor ${this.state.why})`;
    }
    if (this.state.kind === "corrupt") return `corrupt supervisor.json set aside as ${this.state.movedTo} (${this.state.error})`;
    return null;
  }

  /**
   * Records on disk when no supervisor runs. One that still says running was lost with its
   * supervisor: its process may live on, unwatched, which `ps` must say.
   */
  private recordsWithoutSupervisor(): { processes: ProcessRecord[]; lost: string[] } {
    const lost: string[] = [];
    const processes = readProcessRecords(this.paths).records.map((r) => {
      if (isSettled(r.status.state)) return r;
      if (recordedProcessAlive(r)) {
        lost.push(r.spec.name);
        return { ...r, status: { ...r.status, reason: "supervisor lost; still running unwatched" } };
      }
      return { ...r, status: { ...r.status, state: "stopped" as const, pid: null, reason: "supervisor lost; no longer running" } };
    });
    return { processes, lost };
  }
}
