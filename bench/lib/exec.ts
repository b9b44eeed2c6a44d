import { benchEnv, killGroup, trackGroup, untrackGroup } from "./cleanup";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from just before the spawn until the process had exited. */
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * Runs a command to its end in its own process group, so a command that hangs can be ended
 * whole, and returns what it printed and how long it took.
 */
export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const proc = Bun.spawn({
    cmd: argv,
    cwd: opts.cwd,
    env: benchEnv(opts.env),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  trackGroup(proc.pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(proc.pid);
  }, opts.timeoutMs ?? 60_000);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  const ms = performance.now() - started;
  clearTimeout(timer);
  untrackGroup(proc.pid);
  if (timedOut) throw new Error(`${argv.join(" ")} did not finish within ${opts.timeoutMs ?? 60_000} ms`);
  return { code: proc.exitCode, stdout, stderr, ms };
}

/** Like `run`, but a non-zero exit is an error that shows what the command said. */
export async function runOk(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(argv, opts);
  if (r.code !== 0) {
    const said = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-5).join("\n");
    throw new Error(`${argv.join(" ")} exited ${r.code}${said ? `: ${said}` : ""}`);
  }
  return r;
}

/** Starts a command in its own process group without waiting for it; `done` resolves at its exit. */
export function spawn(argv: string[], opts: RunOptions = {}): { pid: number; done: Promise<number | null> } {
  const proc = Bun.spawn({ cmd: argv, cwd: opts.cwd, env: benchEnv(opts.env), stdin: "ignore", stdout: "ignore", stderr: "ignore", detached: true });
  trackGroup(proc.pid);
  const done = proc.exited.then((code) => {
    untrackGroup(proc.pid);
    return code;
  });
  return { pid: proc.pid, done };
}
