import type { StatusBody } from "../core/api-types";
import type { ProcessRecord } from "../core/process-status";
import type { SupervisorInfo } from "../core/supervisor-info";
import type { HomeLayout } from "../platform/paths";
import { clearSupervisorState, readSupervisorState } from "../platform/supervisor-file";
import { ApiClient } from "./api-client";

export type SupervisorView =
  | { state: "running"; info: SupervisorInfo; processes: ProcessRecord[] }
  /** Alive by its pid and start time, but not answering on its socket. */
  | { state: "unresponsive"; info: SupervisorInfo; error: string; processes: ProcessRecord[] }
  | { state: "stopped"; processes: ProcessRecord[]; cleaned: string | null };

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
  if (state.kind === "stale") {
    clearSupervisorState(paths, state.info);
    return { state: "stopped", processes: [], cleaned: `stale state cleaned up (supervisor ${state.why})` };
  }
  if (state.kind === "corrupt") {
    return { state: "stopped", processes: [], cleaned: `corrupt supervisor.json set aside as ${state.movedTo} (${state.error})` };
  }
  return { state: "stopped", processes: [], cleaned: null };
}
