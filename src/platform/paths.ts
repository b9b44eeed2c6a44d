import { chmodSync, lstatSync, mkdirSync, readlinkSync, type Stats } from "node:fs";
import os from "node:os";
import path from "node:path";
import envPaths from "env-paths";
import { sha256Hex } from "./ids";
import { TendError } from "../core/errors";
import { checkHomeDir, checkInnerDir, checkLinkOnTheWay } from "./home-trust";

// sun_path is 104 bytes on macOS and 108 on Linux, including the NUL; keep a margin.
const MAX_SOCKET_PATH_BYTES = 100;

export interface HomeLayout {
  home: string;
  supervisorFile: string;
  socket: string;
  processesDir: string;
  logsDir: string;
  supervisorLog: string;
  lockFile: string;
}

/**
 * The home's one spelling, whatever symlinks lead to it: the marker prefix, the socket path and
 * the TEND_HOME the processes get all derive from it, so a second spelling would not find what
 * the first started. A home not created yet resolves through its nearest existing ancestor, so
 * it keeps the same spelling once it exists. A home someone else could have prepared — theirs,
 * writable by others, or reached through a link of theirs — is refused (see home-trust.ts).
 */
export function tendHome(env: NodeJS.ProcessEnv = process.env): string {
  // env-paths reads process.env when it is imported, so `env` only governs TEND_HOME.
  const given = env.TEND_HOME || envPaths("tend", { suffix: "" }).data;
  const { home, st } = resolveHome(given);
  if (st) trustHome(home, st);
  return home;
}

const MAX_LINKS = 40;

/** Like realpath, but a link on the way is checked before it is followed; missing parts stay as given. */
function resolveHome(given: string): { home: string; st: Stats | null } {
  const absolute = path.resolve(given);
  let rest = absolute.split(path.sep).filter(Boolean);
  let at = path.parse(absolute).root;
  let st: Stats | null = lstatSync(at);
  for (let links = 0; rest.length > 0; ) {
    const next = path.join(at, rest.shift()!);
    try {
      st = lstatSync(next);
    } catch {
      return { home: path.join(next, ...rest), st: null };
    }
    if (!st.isSymbolicLink()) {
      at = next;
      continue;
    }
    if (++links > MAX_LINKS) throw new TendError(`TEND_HOME ${given}: too many symbolic links on the way`, "untrusted_home", "set TEND_HOME to the folder itself");
    checkLinkOnTheWay(next, st, absolute);
    const target = path.resolve(at, readlinkSync(next));
    rest = [...target.split(path.sep).filter(Boolean), ...rest];
    at = path.parse(target).root;
  }
  return { home: at, st };
}

function trustHome(home: string, st: Stats): void {
  checkHomeDir(home, st);
  checkInnerDir(path.join(home, "processes"));
  checkInnerDir(path.join(home, "logs"));
}

/** Creates the home (0700) or checks the one there, and keeps it private to the user. */
export function ensureHome(home: string): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const st = lstatSync(home);
  trustHome(home, st);
  // A folder of the user's own that others may read (made with a 022 umask) is narrowed.
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0) chmodSync(home, 0o700);
}

/** Which folder is at `dir` (device and inode), or null when there is none: tells a replaced home. */
export function folderIdentity(dir: string): string | null {
  try {
    const st = lstatSync(dir);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}

/** A folder inside the home (processes/, logs/): created 0700, never a link, never someone else's. */
export function ensureInnerDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkInnerDir(dir);
}

export function layout(home: string, env: NodeJS.ProcessEnv = process.env): HomeLayout {
  return {
    home,
    supervisorFile: path.join(home, "supervisor.json"),
    socket: socketPath(home, env),
    processesDir: path.join(home, "processes"),
    logsDir: path.join(home, "logs"),
    supervisorLog: path.join(home, "supervisor.log"),
    lockFile: path.join(home, "supervisor.lock"),
  };
}

export function processFile(l: HomeLayout, name: string): string {
  return path.join(l.processesDir, `${name}.json`);
}

export function logFile(l: HomeLayout, name: string): string {
  return path.join(l.logsDir, `${name}.log`);
}

/** The last screen of a `--tty` session, kept next to its log once it ends. */
export function screenFile(l: HomeLayout, name: string): string {
  return path.join(l.logsDir, `${name}.screen.json`);
}

/**
 * The socket in the home; when that path is too long for a unix socket, a short one derived
 * from the home (so every client of the same home finds it) in the user's private runtime
 * folder, or else in tmp. Clients take the path from supervisor.json, not from here: a client
 * may run without XDG_RUNTIME_DIR (cron, sudo) and still find a supervisor that had it.
 */
function socketPath(home: string, env: NodeJS.ProcessEnv): string {
  const inHome = path.join(home, "tend.sock");
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH_BYTES) return inHome;
  const digest = sha256Hex(home).slice(0, 8);
  const runtimeDir = env.XDG_RUNTIME_DIR;
  if (runtimeDir && path.isAbsolute(runtimeDir)) {
    const inRuntime = path.join(runtimeDir, `tend-${digest}.sock`);
    if (Buffer.byteLength(inRuntime) <= MAX_SOCKET_PATH_BYTES) return inRuntime;
  }
  const uid = process.getuid?.() ?? "user";
  return path.join(os.tmpdir(), `tend-${uid}-${digest}.sock`);
}
