import { statSync } from "node:fs";
import { TendError } from "../core/errors";
import { processStartTime } from "../platform/proc-identity";
import { signalName } from "../platform/process-group";
import { endTree } from "./end-tree";
import type { LogWriter } from "./log-writer";
import { pumpStream, type LineListener } from "./output-pump";

export interface SpawnRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  marker: string;
  stopSignal: NodeJS.Signals;
  graceMs: number;
}

export interface ChildExit {
  code: number | null;
  signal: string | null;
}

export interface RunningChild {
  pid: number;
  pidStartTime: string | null;
  /**
   * Resolves once the child exited, both its output streams reached end-of-file (so its last
   * lines are in the log) and nothing of its process tree is left running.
   */
  finished: Promise<ChildExit>;
}

/** How long the streams may stay open after the child exited before its leftovers are ended. */
const EOF_AFTER_EXIT_MS = 250;

function checkCwd(cwd: string): void {
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    throw new TendError(`working directory ${cwd} does not exist`, "spawn_failed", "create it or fix cwd");
  }
  if (!isDir) throw new TendError(`working directory ${cwd} is not a directory`, "spawn_failed", "fix cwd");
}

function spawnFailure(argv: string[], error: unknown): TendError {
  const e = error as NodeJS.ErrnoException;
  const what = argv[0] ?? "";
  if (e.code === "ENOENT") return new TendError(`cannot start ${what}: command not found`, "spawn_failed", "check the command and PATH");
  if (e.code === "EACCES") return new TendError(`cannot start ${what}: permission denied (not executable?)`, "spawn_failed", "check the file's mode");
  return new TendError(`cannot start ${what}: ${e.message}`, "spawn_failed");
}

export function spawnChild(req: SpawnRequest, log: LogWriter, onLine: LineListener): RunningChild {
  checkCwd(req.cwd);
  let proc: ReturnType<typeof Bun.spawn<"ignore", "pipe", "pipe">>;
  try {
    // detached: the child leads a new session and process group (pgid = pid), so one signal
    // to the group reaches everything it starts, and a Ctrl-C meant for tend does not.
    proc = Bun.spawn({
      cmd: req.argv,
      cwd: req.cwd,
      env: { ...req.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
    });
  } catch (error) {
    throw spawnFailure(req.argv, error);
  }
  const pid = proc.pid;
  const pidStartTime = processStartTime(pid);
  const streams = Promise.all([
    pumpStream(proc.stdout, "stdout", log, onLine),
    pumpStream(proc.stderr, "stderr", log, onLine),
  ]);

  const finished = (async (): Promise<ChildExit> => {
    await proc.exited;
    const signal = proc.signalCode;
    const exit: ChildExit = { code: proc.exitCode, signal: typeof signal === "number" ? (signalName(signal) ?? String(signal)) : signal };
    await Promise.race([streams, Bun.sleep(EOF_AFTER_EXIT_MS)]);
    // What the child left behind in its group (or that escaped it) ends with it, as systemd
    // does for a unit's control group; otherwise every restart would add to the leftovers.
    await endTree({ pgid: pid, marker: req.marker }, req.stopSignal, req.graceMs);
    await streams;
    return exit;
  })();
  return { pid, pidStartTime, finished };
}

/** Stops a running child's whole tree: stop signal, then SIGKILL after the grace. */
export function stopChild(child: RunningChild, req: SpawnRequest, signal = req.stopSignal, graceMs = req.graceMs): Promise<void> {
  return endTree({ pgid: child.pid, marker: req.marker }, signal, graceMs);
}
