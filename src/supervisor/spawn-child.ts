import { statSync } from "node:fs";
import { TendError } from "../core/errors";
import { processStartTime } from "../platform/proc-identity";
import { signalName } from "../platform/process-group";
import { sandboxArgv, sandboxProblem } from "../platform/sandbox";
import { isConfined, type SandboxSettings } from "../core/sandbox-settings";
import { describeUnsignalled, endTree } from "../platform/end-tree";
import { owned } from "../platform/own-children";
import type { ChildExit } from "./driver";
import { drainInto, type OutputPump } from "./output-pump";
import { within } from "./within";

export interface SpawnRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  marker: string;
  stopSignal: NodeJS.Signals;
  graceMs: number;
  /** A PTY of this size instead of pipes; its output is all "stdout". */
  tty: { cols: number; rows: number } | null;
  /** Confinement, and the paths a confined process must not see (tend's own state and socket). */
  sandbox: { settings: SandboxSettings; hide: string[] } | null;
}


export interface RunningChild {
  pid: number;
  pidStartTime: string | null;
  /**
   * Resolves once the child exited, both its output streams reached end-of-file (so its last
   * lines are in the log) and nothing of its process tree that tend may signal is left running.
   */
  finished: Promise<ChildExit>;
  /** Stops reading its output (which another user's process may hold open for ever). */
  abandon(): void;
  writeStdin(data: Uint8Array): void;
  resize(cols: number, rows: number): void;
}

/** How long the output may stay open once the tree has ended, and what the log then says. */
const HELD_OPEN_MS = 2000;
const HELD_OPEN_NOTE = new TextEncoder().encode("[tend: stopped reading: the output is held open by a process outside the tree]\n");

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

function exitOf(proc: { exitCode: number | null; signalCode: NodeJS.Signals | number | null }, confined: boolean): Omit<ChildExit, "survivors"> {
  const s = proc.signalCode;
  // bwrap reports a command killed by signal n as exit 128 + n; say it as the signal it was.
  if (confined && proc.exitCode !== null && proc.exitCode > 128) {
    const name = signalName(proc.exitCode - 128);
    if (name) return { code: null, signal: name };
  }
  return { code: proc.exitCode, signal: typeof s === "number" ? (signalName(s) ?? String(s)) : s };
}

/**
 * The argv to spawn: the command itself, or wrapped in the sandbox. Confinement that was asked
 * for and cannot be had is an error — never a silent run without it.
 */
function commandLine(req: SpawnRequest): string[] {
  const sandbox = req.sandbox;
  if (!sandbox || !isConfined(sandbox.settings)) return req.argv;
  const problem = sandboxProblem(sandbox.settings, req.env);
  if (problem) throw new TendError(problem, "sandbox_unavailable");
  // Inside the sandbox a missing command is only an exit 127; find it out here instead.
  if (!Bun.which(req.argv[0] ?? "", { PATH: req.env.PATH ?? "", cwd: req.cwd })) {
    throw spawnFailure(req.argv, Object.assign(new Error("not found"), { code: "ENOENT" }));
  }
  return sandboxArgv(req.argv, req.cwd, sandbox.settings, { hide: sandbox.hide });
}

/**
 * Spawns a child as the leader of a new session and process group (pgid = pid), so one signal
 * to the group reaches everything it starts, and a Ctrl-C meant for tend does not.
 */
export function spawnChild(req: SpawnRequest, out: { stdout: OutputPump; stderr: OutputPump }): RunningChild {
  checkCwd(req.cwd);
  const cmd = commandLine(req);
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = owned(
      req.tty
        ? Bun.spawn({
            cmd,
            cwd: req.cwd,
            env: req.env,
            detached: true,
            terminal: {
              cols: req.tty.cols,
              rows: req.tty.rows,
              data: (_t, data) => out.stdout.push(data),
              exit: () => out.stdout.end(),
            },
          })
        : Bun.spawn({ cmd, cwd: req.cwd, env: req.env, stdin: "pipe", stdout: "pipe", stderr: "pipe", detached: true }),
    );
  } catch (error) {
    throw spawnFailure(req.argv, error);
  }
  const pid = proc.pid;
  const pidStartTime = processStartTime(pid);
  const terminal = proc.terminal;
  const drains = terminal ? [] : [drainInto(proc.stdout as ReadableStream<Uint8Array>, out.stdout), drainInto(proc.stderr as ReadableStream<Uint8Array>, out.stderr)];
  if (terminal) out.stderr.end();
  const streams = Promise.all([out.stdout.done, out.stderr.done]);
  const abandon = () => {
    // Its exit, if it ever comes, is nothing to wait for: the supervisor may leave before it.
    proc.unref();
    for (const d of drains) d.stop();
    terminal?.close();
    out.stdout.end();
    out.stderr.end();
  };
  const stdin = terminal ? null : (proc.stdin as import("bun").FileSink);

  const finished = (async (): Promise<ChildExit> => {
    await proc.exited;
    const exit = exitOf(proc, cmd !== req.argv);
    await within(streams, EOF_AFTER_EXIT_MS);
    // What the child left behind in its group (or that escaped it) ends with it, as systemd
    // does for a unit's control group; otherwise every restart would add to the leftovers.
    const survivors = describeUnsignalled(await endTree({ pgid: pid, marker: req.marker }, req.stopSignal, req.graceMs));
    if (terminal) {
      // Nothing of ours holds the PTY open any more; closing it ends the stream if EOF was not seen.
      terminal.close();
      out.stdout.end();
    }
    // Only a process outside the tree (no marker, another user's) can still hold the output
    // open now; it must not hold the run's end for ever. Its later lines are not ours.
    if ((await within(streams.then(() => true), HELD_OPEN_MS)) === undefined) {
      out.stderr.push(HELD_OPEN_NOTE);
      for (const d of drains) d.stop();
      out.stdout.end();
      out.stderr.end();
    }
    await streams;
    try {
      await stdin?.end();
    } catch {
      // The child closed its end first.
    }
    return { ...exit, survivors };
  })();

  return {
    pid,
    pidStartTime,
    finished,
    abandon,
    writeStdin(data) {
      if (terminal) terminal.write(data);
      else if (stdin) {
        try {
          stdin.write(data);
          void stdin.flush();
        } catch {
          // The child closed its stdin; input has nowhere to go.
        }
      }
    },
    resize(cols, rows) {
      terminal?.resize(cols, rows);
    },
  };
}

/**
 * Stops a running child's whole tree: stop signal, then SIGKILL after the grace. Resolves with
 * what could not be signalled (another user's processes), in words, or null.
 */
export async function stopChild(child: RunningChild, req: SpawnRequest, signal = req.stopSignal, graceMs = req.graceMs): Promise<string | null> {
  return describeUnsignalled(await endTree({ pgid: child.pid, marker: req.marker }, signal, graceMs));
}
