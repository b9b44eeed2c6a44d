import { closeSync, readFileSync } from "node:fs";
import { TendError, worktreeNeedsRepository } from "../core/errors";
import type { SupervisorInfo } from "../core/supervisor-info";
import { repoRoot } from "../platform/git-worktree";
import { checkSocketPath, openForAppending } from "../platform/home-trust";
import { ensureHome, type HomeLayout } from "../platform/paths";
import { awaitStartSignal } from "../platform/start-signal";
import { readSupervisorState } from "../platform/supervisor-file";

const START_TIMEOUT_MS = 10_000;
/** The supervisor's descriptor of the start signal: the first one past stdio. */
const SIGNAL_FD = 3;

/** How to run this same tend again: the binary itself when compiled, `bun src/cli.ts` from source. */
export function selfCommand(): string[] {
  const compiled = Bun.main.startsWith("/$bunfs/") || /^[A-Z]:[\\/]~BUN[\\/]/.test(Bun.main);
  return compiled ? [process.execPath] : [process.execPath, Bun.main];
}

function lastLines(file: string, n: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

export interface LaunchOptions {
  dir: string;
  name: string | null;
  mode: SupervisorInfo["mode"];
  capacity?: number;
  spawnMode?: SupervisorInfo["spawnMode"];
}

/**
 * Starts a detached supervisor (its own session; stdio to `supervisor.log`) and returns once
 * it says it answers on its socket. If another invocation started one meanwhile, that one is used.
 */
export async function launchSupervisor(paths: HomeLayout, opts: LaunchOptions): Promise<SupervisorInfo> {
  // The supervisor would refuse it too, but only in its log.
  if (opts.spawnMode === "worktree" && !repoRoot(opts.dir)) {
    throw worktreeNeedsRepository(opts.dir);
  }
  const argv = [...selfCommand(), "__supervise", "--home", paths.home, "--dir", opts.dir, "--mode", opts.mode, "--start-signal-fd", String(SIGNAL_FD)];
  if (opts.name) argv.push("--name", opts.name);
  if (opts.capacity) argv.push("--capacity", String(opts.capacity));
  if (opts.spawnMode) argv.push("--spawn-mode", opts.spawnMode);
  ensureHome(paths.home);
  // What stands in the socket's way is said here, in one line, not from a dead supervisor's log.
  checkSocketPath(paths.socket);
  const logFd = openForAppending(paths.supervisorLog);
  const child = Bun.spawn({
    cmd: argv,
    cwd: opts.dir,
    env: { ...process.env, TEND_HOME: paths.home },
    stdio: ["ignore", logFd, logFd, "pipe"],
    detached: true,
  });
  closeSync(logFd);
  child.unref();
  const signal = await awaitStartSignal(child.stdio[SIGNAL_FD]!, START_TIMEOUT_MS);
  // Ours, or one that another command started first (ours then left, refusing to be a second).
  const state = readSupervisorState(paths);
  if (state.kind === "running") return state.info;
  if (signal === "ended") {
    const tail = lastLines(paths.supervisorLog, 5);
    throw new TendError(
      `the supervisor exited during start-up${tail ? `:\n${tail}` : ""}`,
      "supervisor_failed",
      `see ${paths.supervisorLog}`,
    );
  }
  throw new TendError(`the supervisor did not answer within ${START_TIMEOUT_MS / 1000}s`, "supervisor_failed", `see ${paths.supervisorLog}`);
}
