import type { SupervisorInfo } from "../core/supervisor-info";
import type { HomeLayout } from "../platform/paths";
import { readSupervisorState } from "../platform/supervisor-file";
import { ApiClient } from "./api-client";

/** The API of the running supervisor, or null when none runs (stale or corrupt state counts as none). */
export function runningSupervisor(paths: HomeLayout): { info: SupervisorInfo; api: ApiClient } | null {
  const state = readSupervisorState(paths);
  if (state.kind !== "running") return null;
  return { info: state.info, api: new ApiClient(state.info.socket) };
}
