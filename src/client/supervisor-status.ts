import type { StatusBody } from "../core/api-types";
import type { ProcessRecord } from "../core/process-status";
import type { SupervisorInfo } from "../core/supervisor-info";
import type { HomeLayout } from "../platform/paths";
import { clearSupervisorState, readSupervisorState } from "../platform/supervisor-file";
import { isSettled } from "../core/process-status";
import { readProcessRecords, recordedProcessAlive } from "../platform/process-records";
import { ApiClient } from "./api-client";

export type SupervisorView =
  | { state: "running"; info: SupervisorInfo; processes: ProcessRecord[] }
  /** Alive by its pid and start time, but not answering on its socket. */
  | { state: "unresponsive"; info: SupervisorInfo; error: string; processes: ProcessRecord[] }
  | { state: "stopped"; processes: ProcessRecord[]; cleaned: string | null; lost: string[] };

/**
 * What `status` shows: asks a running supervisor over its socket; cleans up (and says so)
 * after a stale or corrupt state file.
 */
export async function supervisorView(paths: HomeLayout): Promise<SupervisorView> {
  const state = readSupervisorState(paths);
  if (state.kind === "running") {
    try {
      const body = await new ApiClient(state.info.socket).get<StatusBody>("/v1/status");
      return { state: "running", info: body.supervisor, processes: body.processes };
    } catch (error) {
      return { state: "unresponsive", info: state.info, error: (error as Error).message, processes: [] };
    }
  }
  let cleaned: string | null = null;
  if (state.kind === "stale") {
    clearSupervisorState(paths, state.info);
    cleaned = `stale state cleaned up (supervisor ${state.why})`;
  } else if (state.kind === "corrupt") {
    cleaned = `corrupt supervisor.json set aside as ${state.movedTo} (${state.error})`;
  }
  return { state: "stopped", cleaned, ...recordsWithoutSupervisor(paths) };
}

/**
 * Records on disk when no supervisor runs. One that still says running was lost with its
 * supervisor: its process may live on, unwatched, which `ps` must say.
 */
function recordsWithoutSupervisor(paths: HomeLayout): { processes: ProcessRecord[]; lost: string[] } {
  const lost: string[] = [];
  const processes = readProcessRecords(paths).records.map((r) => {
    if (isSettled(r.status.state)) return r;
    if (recordedProcessAlive(r)) {
      lost.push(r.spec.name);
      return { ...r, status: { ...r.status, reason: "supervisor lost; still running unwatched" } };
    }
    return { ...r, status: { ...r.status, state: "stopped" as const, pid: null, reason: "supervisor lost; no longer running" } };
  });
  return { processes, lost };
}
