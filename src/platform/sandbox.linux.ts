import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { SandboxSettings } from "../core/sandbox-settings";

/**
 * Confinement with bubblewrap. The command tend spawns is
 *
 *   env --ignore-signal=<stop signals> bwrap <mounts> <namespaces> -- env --default-signal=<same> argv…
 *
 * bwrap forwards no signals and dies of any it does not ignore, yet it is the pid tend holds.
 * Unshielded, a stop signal to the group kills bwrap at once: tend would see the process end
 * while the command still runs its shutdown, and a Ctrl-C in a `--tty` session would end the
 * session even when the program inside handles it. Ignored signals survive exec, so the inner
 * `env` puts them back before the command starts.
 */
const SHIELDED_SIGNALS = "HUP,INT,QUIT,TERM,USR1,USR2";

const PROBE_TIMEOUT_MS = 10_000;

export const BWRAP_INSTALL_HINT =
  "--sandbox needs bubblewrap (bwrap), which is not installed: apt-get install bubblewrap (Debian/Ubuntu) or dnf install bubblewrap";

interface Tools {
  bwrap: string;
  env: string;
}

export interface ArgvOptions {
  /** Host paths the confined process must not reach at all, such as tend's own home and socket. */
  hide?: readonly string[];
}

const probes = new Map<string, string | null>();

export function linuxSandboxProblem(s: SandboxSettings, env: Record<string, string | undefined>): string | null {
  const tools = findTools(env.PATH ?? "");
  if (typeof tools === "string") return tools;
  const key = `${tools.bwrap}\0${tools.env}\0${s.allowNet}`;
  let problem = probes.get(key);
  if (problem === undefined) {
    problem = probe(tools, s.allowNet);
    probes.set(key, problem);
  }
  return problem;
}

export function linuxSandboxArgv(argv: string[], cwd: string, s: SandboxSettings, options: ArgvOptions = {}): string[] {
  const tools = findTools(process.env.PATH ?? "");
  // Building a command without bwrap would run the process unconfined: refuse instead.
  if (typeof tools === "string") throw new Error(tools);
  return wrap(tools, argv, cwd, s, options.hide ?? []);
}

function findTools(path: string): Tools | string {
  const bwrap = Bun.which("bwrap", { PATH: path });
  if (bwrap === null) return BWRAP_INSTALL_HINT;
  const env = Bun.which("env", { PATH: path });
  if (env === null) return "--sandbox needs env (GNU coreutils), which is not on PATH: install coreutils";
  return { bwrap, env };
}

function wrap(tools: Tools, argv: string[], cwd: string, s: SandboxSettings, hide: readonly string[]): string[] {
  const workspace = realOrSelf(cwd);
  const args = [
    "--ro-bind", "/", "/",
    // A fresh /dev holds only the harmless nodes and a private devpts, so no host terminal
    // is reachable to push keystrokes into.
    "--dev", "/dev",
    // Its own procfs, matching the pid namespace below: the host's processes stay out of sight.
    "--proc", "/proc",
    "--tmpfs", "/tmp",
    // After the tmpfs, so a workspace under /tmp is not hidden by it.
    s.mode === "workspace-write" ? "--bind" : "--ro-bind", workspace, workspace,
    // After the workspace, so a home inside the workspace is still covered.
    ...hide.flatMap(hideArgs),
    // The pid namespace changes nothing for tend's group kill or marker scan (the host sees
    // every process in it, in tend's group, environ readable), and when its first process dies
    // the kernel ends all the rest — even one that left the group and cleared its environment.
    "--unshare-pid",
    "--unshare-ipc",
    ...(s.allowNet ? [] : ["--unshare-net"]),
    // Run as root, bwrap keeps every capability, and with CAP_SYS_ADMIN the process could
    // simply remount / read-write.
    "--cap-drop", "ALL",
    // A supervisor that dies takes its confined processes along rather than leave them
    // unwatched. Safe only with the signal shield: otherwise bwrap dying of a stop signal
    // would SIGKILL the command in the middle of its shutdown.
    "--die-with-parent",
    "--chdir", path.resolve(cwd),
    // No --new-session: its setsid would take the command out of tend's process group and off
    // a --tty session's terminal. Without it there is still no host terminal to push input
    // into: tend's children have no controlling terminal or only their own PTY.
    "--",
  ];
  return [tools.env, `--ignore-signal=${SHIELDED_SIGNALS}`, tools.bwrap, ...args, tools.env, `--default-signal=${SHIELDED_SIGNALS}`, ...argv];
}

function hideArgs(hostPath: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(hostPath).isDirectory();
  } catch {
    // Nothing there to protect, and bwrap could not make a mount point in a read-only tree.
    return [];
  }
  const target = realOrSelf(hostPath);
  return isDir ? ["--tmpfs", target] : ["--ro-bind", "/dev/null", target];
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // The spawn reports a missing working directory better than bwrap would.
    return p;
  }
}

// The same chain a process gets, around `true`, so whatever would stop the real one stops this.
function probe(tools: Tools, allowNet: boolean): string | null {
  const shield = Bun.spawnSync({
    cmd: [tools.env, `--ignore-signal=${SHIELDED_SIGNALS}`, "true"],
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  if (shield.exitCode !== 0) {
    return `--sandbox needs env from GNU coreutils 8.31 or later, but ${tools.env} says "${firstLine(shield.stderr)}": install a newer coreutils`;
  }
  const run = Bun.spawnSync({
    cmd: wrap(tools, ["true"], "/", { mode: "read-only", allowNet }, []),
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
    timeout: PROBE_TIMEOUT_MS,
  });
  if (run.exitCode === 0) return null;
  const said = firstLine(run.stderr) || (run.exitCode === null ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s` : `exit code ${run.exitCode}`);
  return `--sandbox cannot confine processes here, a test run of ${tools.bwrap} fails: "${said}"; enable unprivileged user namespaces (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone) or run without --sandbox`;
}

function firstLine(out: Buffer | undefined): string {
  return (out?.toString("utf8") ?? "").split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
}
