import { findProcessesWithEnv } from "./marker-scan";
import { isLiveProcess, liveGroupMembers } from "./live-processes";
import { signalGroup } from "./process-group";
import { MARKER_ENV } from "./process-marker";

const POLL_MS = 25;

export interface TreeTarget {
  /** The process group (the leader's pid), or null when only the marker is known. */
  pgid: number | null;
  /** TEND_PROCESS_ID of the run: finds descendants that left the group (setsid, daemons). */
  marker: string;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function liveTree(target: TreeTarget, escapees: Set<number>): boolean {
  for (const pid of escapees) if (!isLiveProcess(pid)) escapees.delete(pid);
  return escapees.size > 0 || (target.pgid !== null && liveGroupMembers(target.pgid).length > 0);
}

function findEscapees(target: TreeTarget): Set<number> {
  return new Set(findProcessesWithEnv(MARKER_ENV, target.marker));
}

/**
 * Ends a process tree: the stop signal to the group and to every process carrying the run's
 * marker, up to `graceMs` for them to go, then SIGKILL to whatever is left — and a last sweep
 * for anything forked while we waited. Resolves once nothing of the tree runs.
 */
export async function endTree(target: TreeTarget, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  let escapees = findEscapees(target);
  if (!liveTree(target, escapees)) return;
  if (target.pgid !== null) signalGroup(target.pgid, signal);
  for (const pid of escapees) signalPid(pid, signal);

  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && liveTree(target, escapees)) await Bun.sleep(POLL_MS);

  for (let sweep = 0; sweep < 5; sweep++) {
    if (target.pgid !== null) signalGroup(target.pgid, "SIGKILL");
    for (const pid of escapees) signalPid(pid, "SIGKILL");
    await Bun.sleep(POLL_MS);
    escapees = findEscapees(target);
    if (!liveTree(target, escapees)) return;
  }
}
