import { renameSync, rmSync } from "node:fs";
import type { SupervisorInfo } from "../core/supervisor-info";
import { readJsonFile, writeFileAtomic } from "./atomic-file";
import { removeOwnSocket } from "./home-trust";
import { osErrorText } from "./os-error";
import { isSameProcess } from "./proc-identity";
import { isLiveProcess } from "./live-processes";
import type { HomeLayout } from "./paths";

export type SupervisorState =
  | { kind: "none" }
  | { kind: "running"; info: SupervisorInfo }
  /** The recorded process is gone, or its pid now belongs to another program. */
  | { kind: "stale"; info: SupervisorInfo; why: string }
  | { kind: "corrupt"; movedTo: string; error: string };

function looksLikeInfo(value: unknown): value is SupervisorInfo {
  const v = value as SupervisorInfo;
  return typeof v?.pid === "number" && typeof v.socket === "string";
}

/** Reads `supervisor.json` and tells a running supervisor from a stale record. Never throws. */
export function readSupervisorState(paths: HomeLayout): SupervisorState {
  const read = readJsonFile<SupervisorInfo>(paths.supervisorFile);
  if (read.kind === "missing") return { kind: "none" };
  if (read.kind === "corrupt") return { kind: "corrupt", movedTo: read.movedTo, error: read.error };
  const info = read.value;
  if (!looksLikeInfo(info)) {
    const movedTo = `${paths.supervisorFile}.corrupt-${Date.now()}`;
    try {
      renameSync(paths.supervisorFile, movedTo);
    } catch {
      // Someone else set it aside first.
    }
    return { kind: "corrupt", movedTo, error: "fields pid and socket are missing" };
  }
  if (!isLiveProcess(info.pid)) return { kind: "stale", info, why: `pid ${info.pid} is not running` };
  // A pid alone proves nothing: whatever runs under it now is never taken for the supervisor.
  if (!info.pidStartTime) return { kind: "stale", info, why: `pid ${info.pid} cannot be proven to be a supervisor: no start time recorded` };
  if (!isSameProcess(info.pid, info.pidStartTime)) {
    return { kind: "stale", info, why: `pid ${info.pid} now belongs to another program` };
  }
  return { kind: "running", info };
}

/**
 * Written without fsync, on every supervisor's way to listening: a power loss also ends the
 * supervisor, and whatever it leaves of this file — none, the old one, an empty one — reads as
 * no supervisor, a stale one (by its identity) or a corrupt file set aside and reported.
 */
export function writeSupervisorInfo(paths: HomeLayout, info: SupervisorInfo): void {
  writeFileAtomic(paths.supervisorFile, `${JSON.stringify(info, null, 2)}\n`, 0o600, false);
}

/**
 * Removes the record and socket of a supervisor that is known not to run. A home that turned
 * read-only keeps them: that is said (as the return value), never thrown, since it must not
 * stop a command that only looks, nor a supervisor on its way out.
 */
export function clearSupervisorState(paths: HomeLayout, info?: SupervisorInfo): string | null {
  try {
    rmSync(paths.supervisorFile, { force: true });
    removeOwnSocket(info?.socket ?? paths.socket);
    return null;
  } catch (error) {
    return `could not remove ${paths.supervisorFile} and the socket: ${osErrorText(error)}`;
  }
}
