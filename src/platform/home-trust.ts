import { closeSync, constants, fstatSync, lstatSync, openSync, rmSync, type Stats, writeSync } from "node:fs";
import { TendError } from "../core/errors";

/**
 * The state folder is trusted only when nobody else could have put anything in it: it, and
 * every file, folder and socket in it, must belong to the user running tend and be writable by
 * nobody else. Otherwise another user on the machine could have planted a log that is a link to
 * a file of ours, a supervisor.json that names their socket or their pid, or a record of their
 * making. Elsewhere than on unix there are no owners to compare: nothing is refused.
 */
const uid = process.geteuid?.();

// Absent on Windows, where neither owners nor links are checked.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function untrusted(what: string, why: string, hint: string): TendError {
  return new TendError(`refusing ${what}: ${why}`, "untrusted_home", hint);
}

/** What makes this entry one tend may not trust, or null. */
function ownershipProblem(st: Stats): string | null {
  if (uid === undefined) return null;
  if (st.uid !== uid) return `it belongs to uid ${st.uid}, not to you (uid ${uid})`;
  if ((st.mode & 0o022) !== 0) return `it is writable by ${(st.mode & 0o002) !== 0 ? "anyone" : "its group"} (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")})`;
  return null;
}

const OWN_HOME_HINT = "use a state folder of your own: TEND_HOME=$(mktemp -d)";

/** Refuses the home folder itself when it is not the user's alone. */
export function checkHomeDir(home: string, st: Stats): void {
  const problem = st.isDirectory() ? ownershipProblem(st) : "it is not a folder";
  if (problem) {
    const hint = problem.startsWith("it is writable") ? `if it is yours alone, chmod 700 ${home}; or ${OWN_HOME_HINT}` : OWN_HOME_HINT;
    throw untrusted(`the state folder ${home}`, problem, hint);
  }
}

/** Refuses a link on the way to the home that someone other than the user (or root) could change. */
export function checkLinkOnTheWay(link: string, st: Stats, home: string): void {
  if (uid === undefined || st.uid === uid || st.uid === 0) return;
  throw untrusted(`the state folder ${home}`, `the link ${link} on the way to it belongs to uid ${st.uid}`, OWN_HOME_HINT);
}

/** Refuses a folder inside the home (processes/, logs/) that is a link, or not the user's alone. */
export function checkInnerDir(dir: string): void {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const problem = st.isSymbolicLink() ? "it is a symbolic link" : st.isDirectory() ? ownershipProblem(st) : "it is not a folder";
  if (problem) throw untrusted(dir, problem, `remove it, or ${OWN_HOME_HINT}`);
}

function checkOpened(file: string, fd: number): void {
  const st = fstatSync(fd);
  const problem = st.isFile() ? ownershipProblem(st) : "it is not a regular file";
  if (problem) {
    closeSync(fd);
    throw untrusted(file, problem, `remove it, or ${OWN_HOME_HINT}`);
  }
}

function openChecked(file: string, flags: number, mode?: number): number {
  let fd: number;
  try {
    fd = openSync(file, flags | NOFOLLOW, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") {
      throw untrusted(file, "it is a symbolic link, and tend never follows links inside its state folder", "remove it");
    }
    throw error;
  }
  checkOpened(file, fd);
  return fd;
}

/** Opens a file of the state folder for reading: never through a link, never one of someone else's. */
export function openForReading(file: string): number {
  return openChecked(file, constants.O_RDONLY);
}

/** Opens (creating it 0600) a file of the state folder to append to, with the same checks. */
export function openForAppending(file: string): number {
  return openChecked(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
}

/** Appends text to a file of the state folder (supervisor.log), with the same checks. */
export function appendToFile(file: string, text: string): void {
  const fd = openForAppending(file);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** What is at a socket path: nothing, a socket of the user's own, or something else. */
export function socketAt(socket: string): "none" | "ours" | { problem: string } {
  let st: Stats;
  try {
    st = lstatSync(socket);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "none";
    return { problem: (error as Error).message };
  }
  if (!st.isSocket()) {
    const kind = st.isDirectory() ? "a folder" : st.isSymbolicLink() ? "a symbolic link" : "a file";
    return { problem: `${kind} owned by uid ${st.uid} is in the way` };
  }
  if (uid !== undefined && st.uid !== uid) return { problem: `the socket belongs to uid ${st.uid}, not to you (uid ${uid})` };
  return "ours";
}

/** Refuses to talk to a socket that is not the user's own: it could be anyone's listener. */
export function checkOwnSocket(socket: string): void {
  const at = socketAt(socket);
  if (typeof at === "object") throw untrusted(`the supervisor socket ${socket}`, at.problem, 'remove it; "tend status" then cleans up');
}

/** Removes a socket left by a supervisor of the user's own; anything else at the path stays. */
export function removeOwnSocket(socket: string): void {
  if (socketAt(socket) === "ours") rmSync(socket, { force: true });
}

/** Refuses what stands where the supervisor's socket goes, unless it is a socket of the user's own. */
export function checkSocketPath(socket: string): "none" | "ours" {
  const at = socketAt(socket);
  if (typeof at === "object") {
    throw new TendError(`cannot listen at ${socket}: ${at.problem}`, "untrusted_home", "remove it, or set XDG_RUNTIME_DIR (or a shorter TEND_HOME) so the socket lives elsewhere");
  }
  return at;
}

/** Makes way for a new supervisor's socket (under its lock): a stale one of the user's own goes. */
export function claimSocketPath(socket: string): void {
  if (checkSocketPath(socket) === "ours") rmSync(socket, { force: true });
}
