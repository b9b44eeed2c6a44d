import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import envPaths from "env-paths";

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
 * it keeps the same spelling once it exists.
 */
export function tendHome(env: NodeJS.ProcessEnv = process.env): string {
  // env-paths reads process.env when it is imported, so `env` only governs TEND_HOME.
  return canonicalPath(env.TEND_HOME || envPaths("tend", { suffix: "" }).data);
}

function canonicalPath(dir: string): string {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    try {
      return path.join(realpathSync(at), ...missing.reverse());
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return path.resolve(dir);
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // An existing folder keeps its old bits; state and the socket must stay private.
  if (process.platform !== "win32" && (statSync(dir).mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
  }
}

export function layout(home: string): HomeLayout {
  return {
    home,
    supervisorFile: path.join(home, "supervisor.json"),
    socket: socketPath(home),
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

function socketPath(home: string): string {
  const inHome = path.join(home, "tend.sock");
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH_BYTES) return inHome;
  // Derived from the home so every client of the same home finds the same socket.
  const digest = createHash("sha256").update(home).digest("hex").slice(0, 8);
  const uid = process.getuid?.() ?? "user";
  return path.join(os.tmpdir(), `tend-${uid}-${digest}.sock`);
}
