import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { INSTANCE_KEY, instanceEnv, instanceProcesses, killPid } from "../lib/cleanup";
import { run, runOk } from "../lib/exec";
import { waitFor } from "../lib/poll";
import { cmdline, environ, hasEnvKey, isRunning, pids } from "../lib/proc-stats";
import type { Instance, Listed, ListedState, Preparation, ProcSpec, Tool } from "./types";

const STATES: Record<string, ListedState> = {
  RUNNING: "running",
  STARTING: "starting",
  BACKOFF: "restarting",
  STOPPING: "stopped",
  STOPPED: "stopped",
  EXITED: "exited",
  FATAL: "gave-up",
};

// supervisord splits `command` like a POSIX shell and expands %(name)s, so both need quoting.
function quoteArg(arg: string): string {
  const escaped = arg.replace(/%/g, "%%");
  return /^[\w@%+=:,./-]+$/.test(escaped) ? escaped : `'${escaped.replace(/'/g, `'"'"'`)}'`;
}

function program(p: ProcSpec, logFile: string): string {
  const lines = [
    `[program:${p.name}]`,
    `command=${p.argv.map(quoteArg).join(" ")}`,
    "autostart=true",
    `autorestart=${p.restart === "always" ? "true" : "false"}`,
    // 0 counts a process as started once spawned, as tend and pm2 do, and skips the
    // STARTING/BACKOFF path, the only one where supervisord waits between restarts.
    // Its default guard (startsecs=1, startretries=3) is kept only where a workload asks for it.
    ...(p.crashLoop === "default-guard" ? [] : ["startsecs=0"]),
    // Without these a stop reaches only the direct child and its descendants are orphaned;
    // they are off by default, and the bench gives supervisord its best setting.
    "stopasgroup=true",
    "killasgroup=true",
    `stopwaitsecs=${Math.ceil((p.graceMs ?? 10_000) / 1000)}`,
    `stdout_logfile=${logFile}`,
    "stdout_logfile_maxbytes=0",
    "redirect_stderr=true",
  ];
  if (p.env) lines.push(`environment=${Object.entries(p.env).map(([k, v]) => `${k}="${v.replace(/%/g, "%%")}"`).join(",")}`);
  return lines.join("\n");
}

class SupervisordInstance implements Instance {
  readonly logFormat = "raw" as const;
  private readonly conf: string;
  private readonly pidfile: string;

  constructor(private readonly dir: string) {
    this.conf = path.join(dir, "supervisord.conf");
    this.pidfile = path.join(dir, "supervisord.pid");
  }

  private ctl(args: string[], okCodes = [0], timeoutMs = 120_000) {
    return run(["supervisorctl", "-c", this.conf, ...args], { env: instanceEnv(this.dir), timeoutMs }).then((r) => {
      if (r.code === null || !okCodes.includes(r.code)) {
        throw new Error(`supervisorctl ${args.join(" ")} exited ${r.code}: ${(r.stdout + r.stderr).trim().split("\n").slice(-3).join(" ")}`);
      }
      return r;
    });
  }

  async start(procs: ProcSpec[]): Promise<void> {
    mkdirSync(path.join(this.dir, "logs"), { recursive: true });
    const sock = path.join(this.dir, "s.sock");
    const header = [
      "[unix_http_server]",
      `file=${sock}`,
      "chmod=0700",
      "",
      "[supervisord]",
      `logfile=${path.join(this.dir, "supervisord.log")}`,
      `pidfile=${this.pidfile}`,
      `childlogdir=${path.join(this.dir, "logs")}`,
      "",
      "[rpcinterface:supervisor]",
      "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
      "",
      "[supervisorctl]",
      `serverurl=unix://${sock}`,
    ].join("\n");
    const programs = procs.map((p) => program(p, this.logFile(p.name)));
    writeFileSync(this.conf, `${[header, ...programs].join("\n\n")}\n`);
    await runOk(["supervisord", "-c", this.conf], { env: instanceEnv(this.dir) });
  }

  async list(): Promise<Listed[]> {
    // Exit code 3 only says that not everything is running.
    const out = (await this.ctl(["status"], [0, 3])).stdout;
    const listed: Listed[] = [];
    for (const line of out.split("\n")) {
      const m = /^(\S+)\s+([A-Z]+)\s*(.*)$/.exec(line);
      if (!m) continue;
      const pid = /pid (\d+)/.exec(m[3]!);
      listed.push({ name: m[1]!, state: STATES[m[2]!] ?? "other", raw: m[2]!, pid: pid ? Number(pid[1]) : null });
    }
    return listed;
  }

  async userList(): Promise<void> {
    await this.ctl(["status"], [0, 3]);
  }

  async stop(): Promise<void> {
    await this.ctl(["stop", "all"]);
  }

  logFile(name: string): string {
    return path.join(this.dir, "logs", `${name}.log`);
  }

  supervisorPid(): number | null {
    try {
      const pid = Number(readFileSync(this.pidfile, "utf8").trim());
      return pid > 0 && isRunning(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  async cleanup(): Promise<void> {
    const pid = this.supervisorPid();
    if (pid !== null) {
      // With many children running, shutdown alone took over 30 s here; stopping them first takes about one.
      await this.ctl(["stop", "all"], [0, 1, 2, 3, 4, 7], 60_000).catch(() => {});
      await this.ctl(["shutdown"], [0, 1, 2, 3, 4, 7], 30_000).catch(() => {});
      // shutdown only asks; the daemon stops its children (up to their grace) before it exits.
      await waitFor("supervisord to exit", () => (isRunning(pid) ? undefined : true), 30_000, 50).catch(() => {});
    }
    for (const left of instanceProcesses(this.dir)) killPid(left);
  }
}

/** supervisord processes that are not one of the bench's own instances. */
function foreignSupervisords(): number[] {
  return pids().filter((pid) => {
    if (!cmdline(pid).some((a) => a.endsWith("supervisord"))) return false;
    const env = environ(pid);
    return isRunning(pid) && !(env && hasEnvKey(env, INSTANCE_KEY));
  });
}

/** The interpreter a script's #! line names (supervisorctl's Python, not whatever python3 is first on PATH). */
function interpreterOf(script: string): string | null {
  try {
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(script, "utf8").slice(0, 200));
    if (!m) return null;
    return m[1]!.endsWith("/env") ? (m[2] ?? null) : m[1]!;
  } catch {
    return null;
  }
}

async function aptInstall(): Promise<boolean> {
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = () => run(["apt-get", "install", "-y", "--no-install-recommends", "supervisor"], { env, timeoutMs: 600_000 });
  if ((await install()).code === 0) return true;
  // A fresh machine may not have read the package lists yet.
  await run(["apt-get", "update"], { env, timeoutMs: 600_000 });
  return (await install()).code === 0;
}

/**
 * Installs Debian's supervisor package when supervisord is missing. Its postinst may start the
 * system service; the bench never uses that one, so it is stopped again at once.
 */
export async function prepareSupervisord(): Promise<Preparation> {
  const notes: string[] = [];
  if (!Bun.which("supervisord")) {
    if (process.getuid?.() !== 0 || !Bun.which("apt-get")) {
      return { ok: false, why: "supervisord is not installed (as root on Debian the bench installs it: apt-get install supervisor)", notes };
    }
    console.log("installing the Debian package supervisor …");
    const before = new Set(foreignSupervisords());
    if (!(await aptInstall()) || !Bun.which("supervisord")) return { ok: false, why: "apt-get install supervisor failed", notes };
    notes.push("Debian package supervisor installed by the bench");
    const started = foreignSupervisords().filter((pid) => !before.has(pid));
    if (started.length > 0) {
      if (Bun.which("service")) await run(["service", "supervisor", "stop"], { timeoutMs: 60_000 }).catch(() => {});
      await Bun.sleep(500);
      for (const pid of started) killPid(pid);
      notes.push(`the package's postinst started a system supervisord (pid ${started.join(", ")}); the bench stopped it`);
    } else {
      notes.push("the package's postinst started no system supervisord");
    }
  }
  const version = (await runOk(["supervisord", "--version"])).stdout.trim();
  const python = interpreterOf(Bun.which("supervisorctl") ?? "") ?? "python3";
  const pyVersion = (await run([python, "--version"])).stdout.trim().replace(/^Python /, "");
  const tool: Tool = {
    id: "supervisord",
    version: `${version} (Python ${pyVersion})`,
    startup: { label: "`python3 -c pass`", argv: [python, "-c", "pass"] },
    instance: (dir) => new SupervisordInstance(dir),
  };
  return { ok: true, tool, notes };
}
