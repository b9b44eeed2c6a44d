import { TendError } from "../core/errors";
import type { HomeLayout } from "../platform/paths";
import { isLiveProcess } from "../platform/live-processes";
import { isSameProcess } from "../platform/proc-identity";
import { clearSupervisorState, readSupervisorState } from "../platform/supervisor-file";
import { ApiClient } from "./api-client";

export type StopOutcome =
  | { kind: "stopped"; pid: number; tookMs: number }
  | { kind: "not-running" }
  | { kind: "cleaned"; message: string };

/**
 * Asks the supervisor to stop gracefully and waits until its process is gone. A supervisor that
 * is alive but does not answer on its socket gets SIGTERM (it handles that the same way).
 */
export async function stopSupervisor(paths: HomeLayout): Promise<StopOutcome> {
  const state = readSupervisorState(paths);
  if (state.kind === "none") return { kind: "not-running" };
  if (state.kind === "corrupt") return { kind: "cleaned", message: `corrupt supervisor.json set aside as ${state.movedTo}; nothing to stop` };
  if (state.kind === "stale") {
    clearSupervisorState(paths, state.info);
    return { kind: "cleaned", message: `stale state cleaned up (supervisor ${state.why})` };
  }
  const { pid, pidStartTime } = state.info;
  const started = Date.now();
  try {
    await new ApiClient(state.info.socket).post("/v1/shutdown");
  } catch (error) {
    if (!(error instanceof TendError) || error.code !== "unreachable") throw error;
    process.kill(pid, "SIGTERM");
  }
  const alive = () => isLiveProcess(pid) && (!pidStartTime || isSameProcess(pid, pidStartTime));
  while (alive()) await Bun.sleep(20);
  return { kind: "stopped", pid, tookMs: Date.now() - started };
}
