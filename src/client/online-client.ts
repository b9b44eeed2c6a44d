import type { CreatedBody, ProjectStoppedBody, StatusBody, WaitAnswer, WaitFor } from "../core/api-types";
import type { NewProcessSpec } from "../core/create-body";
import { requireKnown, TendError } from "../core/errors";
import type { ProcessRecord } from "../core/process-status";
import type { ScreenCapture } from "../core/screen-capture";
import type { SupervisorInfo } from "../core/supervisor-info";
import { isLiveProcess } from "../platform/live-processes";
import type { HomeLayout } from "../platform/paths";
import { readProcessRecords } from "../platform/process-records";
import { isSameProcess } from "../platform/proc-identity";
import { clearSupervisorState, readSupervisorState } from "../platform/supervisor-file";
import { ApiClient } from "./api-client";
import { AttachConnection } from "./attach";
import { replaceStoppingSupervisor } from "./ensure-supervisor";
import { endRecorded, endStrays } from "./end-recorded";
import { logsFromApi, logsFromFiles, type LogsOutcome, type LogsRequest, type LogsSink } from "./logs";
import type { Attachment, KillOptions, KillResult, StopOutcome, SupervisorView, TendClient } from "./tend-client-types";

function processPath(name: string, action = ""): string {
  return `/v1/processes/${encodeURIComponent(name)}${action ? `/${action}` : ""}`;
}

/** Errors that mean the supervisor is not there to ask, as opposed to its answer being no. */
function isSilent(error: unknown): error is TendError {
  return error instanceof TendError && (error.code === "unreachable" || error.code === "not_answering");
}

/** The client of a running supervisor: every question goes over its socket. */
export class OnlineClient implements TendClient {
  private readonly api: ApiClient;

  constructor(
    private readonly paths: HomeLayout,
    private readonly info: SupervisorInfo,
  ) {
    this.api = new ApiClient(info);
  }

  async status(): Promise<SupervisorView> {
    try {
      const body = await this.api.get<StatusBody>("/v1/status");
      return { state: "running", info: body.supervisor, processes: body.processes };
    } catch (error) {
      if (!isSilent(error)) throw error;
      return { state: "unresponsive", info: this.info, error: error.message, processes: readProcessRecords(this.paths).records };
    }
  }

  async list(): Promise<ProcessRecord[]> {
    return (await this.api.get<{ processes: ProcessRecord[] }>("/v1/processes")).processes;
  }

  get(name: string): Promise<ProcessRecord> {
    return this.api.get<ProcessRecord>(processPath(name));
  }

  /** A supervisor that leaves (idle, or told to stop) just as we ask: once more, with the one after it. */
  async create(processes: NewProcessSpec[], opts: { replace?: boolean } = {}): Promise<CreatedBody> {
    const body = { processes, replace: opts.replace === true };
    try {
      return await this.api.post<CreatedBody>("/v1/processes", body);
    } catch (error) {
      if (!(error instanceof TendError) || (error.code !== "unreachable" && error.code !== "shutting_down")) throw error;
      const next = await replaceStoppingSupervisor(this.paths, process.cwd(), this.info.pid);
      return new ApiClient(next).post<CreatedBody>("/v1/processes", body);
    }
  }

  async kill(names: string[] | "all", opts: KillOptions): Promise<KillResult> {
    let processes: ProcessRecord[];
    try {
      processes = await this.list();
    } catch (error) {
      if (names === "all" && isSilent(error)) return this.endSilentSupervisor(opts);
      throw error;
    }
    const known = processes.map((r) => r.spec.name);
    const targets = names === "all" ? known : names;
    requireKnown(targets, known);
    const q = new URLSearchParams();
    if (opts.signal) q.set("signal", opts.signal);
    if (opts.graceMs !== undefined) q.set("grace", `${opts.graceMs}ms`);
    if (opts.keep) q.set("keep", "1");
    const killed = await Promise.all(
      targets.map(async (n) => {
        const before = processes.find((r) => r.spec.name === n)!;
        const after = await this.api.delete<ProcessRecord>(`${processPath(n)}?${q}`);
        const wasRunning = before.status.pid !== null;
        // A stop's only reason is what it could not signal.
        const survivors = wasRunning && after.status.state === "stopped" ? after.status.reason : null;
        return { name: n, pid: before.status.pid, wasRunning, survivors };
      }),
    );
    return { killed, strays: names === "all" ? await endStrays(this.paths, opts) : [], unanswered: null };
  }

  restart(name: string): Promise<ProcessRecord> {
    return this.api.post<ProcessRecord>(processPath(name, "restart"));
  }

  wait(name: string, waitFor: WaitFor, timeoutMs: number, signal?: AbortSignal): Promise<WaitAnswer> {
    const q = new URLSearchParams({ for: waitFor, timeout: `${Math.max(0, Math.round(timeoutMs))}ms` });
    return this.api.get<WaitAnswer>(`${processPath(name, "wait")}?${q}`, signal);
  }

  /** A supervisor that does not answer still left its log files, which are read instead. */
  async logs(req: LogsRequest, sink: LogsSink): Promise<LogsOutcome> {
    try {
      return await logsFromApi(this.api, req, sink);
    } catch (error) {
      if (!isSilent(error)) throw error;
      const outcome = await logsFromFiles(this.paths, req, sink);
      return outcome.kind === "offline" ? { ...outcome, unanswered: error.message } : outcome;
    }
  }

  async attach(name: string): Promise<Attachment> {
    const record = await this.get(name);
    return { kind: "live", record, open: (query, handlers) => AttachConnection.open(this.api, name, query, handlers) };
  }

  capture(name: string, scrollback: number): Promise<ScreenCapture> {
    return this.api.get<ScreenCapture>(`${processPath(name, "screen")}?scrollback=${scrollback}`);
  }

  /**
   * `kill --all` must leave nothing behind even when the supervisor is frozen: it is ended first
   * (SIGKILL reaches a stopped process; its identity was proven when its state was read), so it
   * cannot restart anything, then everything goes by its record and marker.
   */
  private async endSilentSupervisor(opts: KillOptions): Promise<KillResult> {
    const { pid, pidStartTime } = this.info;
    const same = () => pidStartTime !== null && isLiveProcess(pid) && isSameProcess(pid, pidStartTime);
    if (same()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone by itself meanwhile.
      }
    }
    const deadline = Date.now() + 5000;
    while (same() && Date.now() < deadline) await Bun.sleep(20);
    clearSupervisorState(this.paths, this.info);
    return { ...(await endRecorded(this.paths, "all", opts)), unanswered: pid };
  }

  /**
   * Asks the supervisor to stop and waits until its process is gone. One that is alive but has
   * no socket any more gets SIGTERM, which it handles the same way.
   */
  private async gone(): Promise<void> {
    const { pid, pidStartTime } = this.info;
    while (isLiveProcess(pid) && pidStartTime !== null && isSameProcess(pid, pidStartTime)) await Bun.sleep(20);
  }

  async shutdown(): Promise<StopOutcome> {
    const { pid } = this.info;
    const started = Date.now();
    try {
      await this.api.post("/v1/shutdown");
    } catch (error) {
      if (!(error instanceof TendError) || error.code !== "unreachable") throw error;
      process.kill(pid, "SIGTERM");
    }
    await this.gone();
    const after = readSupervisorState(this.paths);
    const left = after.kind === "stale" && after.info.pid === pid ? clearSupervisorState(this.paths, after.info) : null;
    return { kind: "stopped", pid, tookMs: Date.now() - started, left };
  }

  /** Once the last project is stopped the supervisor leaves: this returns when it is gone. */
  async stopProject(project: string): Promise<ProjectStoppedBody> {
    const body = await this.api.post<ProjectStoppedBody>(`/v1/projects/${encodeURIComponent(project)}/stop`);
    if (body.supervisorLeaving) await this.gone();
    return body;
  }
}
