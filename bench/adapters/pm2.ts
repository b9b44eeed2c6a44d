import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { instanceEnv, instanceProcesses, killPid } from "../lib/cleanup";
import { run, runOk } from "../lib/exec";
import { isRunning } from "../lib/proc-stats";
import type { Instance, Listed, ListedState, Preparation, ProcSpec, Tool } from "./types";

export const PM2_VERSION = "7.0.4";

const STATES: Record<string, ListedState> = {
  online: "running",
  launching: "starting",
  "waiting restart": "restarting",
  stopping: "stopped",
  stopped: "stopped",
  errored: "gave-up",
  "one-launch-status": "exited",
};

class Pm2Instance implements Instance {
  readonly logFormat = "raw" as const;
  private readonly home: string;

  constructor(
    private readonly bin: string,
    private readonly dir: string,
  ) {
    this.home = path.join(dir, "home");
    mkdirSync(this.home, { recursive: true });
    // pm2 greets a new PM2_HOME with a banner and a call home; a home it has seen before gets
    // neither, which is what a user who runs pm2 daily waits for.
    writeFileSync(path.join(this.home, "touch"), String(Date.now()));
  }

  private env() {
    return { ...instanceEnv(this.dir), PM2_HOME: this.home, PM2_DISABLE_VERSION_CHECK: "1" };
  }

  private cli(args: string[], timeoutMs?: number) {
    return runOk([this.bin, ...args], { env: this.env(), timeoutMs });
  }

  async start(procs: ProcSpec[]): Promise<void> {
    const apps = procs.map((p) => ({
      name: p.name,
      script: p.argv[0],
      args: p.argv.slice(1),
      interpreter: "none",
      exec_mode: "fork",
      autorestart: p.restart === "always",
      env: p.env ?? {},
      out_file: this.logFile(p.name),
      error_file: path.join(this.dir, "logs", `${p.name}.err.log`),
      merge_logs: true,
      ...(p.graceMs !== undefined ? { kill_timeout: p.graceMs } : {}),
      ...(p.crashLoop ? { restart_delay: 0 } : {}),
      ...(p.crashLoop === "no-guard" ? { max_restarts: 1_000_000_000 } : {}),
    }));
    const file = path.join(this.dir, "ecosystem.json");
    writeFileSync(file, JSON.stringify({ apps }));
    await this.cli(["start", file], 120_000);
  }

  async list(): Promise<Listed[]> {
    const out = (await this.cli(["jlist"])).stdout;
    const apps = JSON.parse(out.slice(out.indexOf("["))) as { name: string; pid: number; pm2_env: { status: string } }[];
    return apps.map((a) => ({
      name: a.name,
      state: STATES[a.pm2_env.status] ?? "other",
      raw: a.pm2_env.status,
      pid: a.pid > 0 ? a.pid : null,
    }));
  }

  async userList(): Promise<void> {
    await this.cli(["jlist"]);
  }

  async stop(): Promise<void> {
    await this.cli(["stop", "all"], 120_000);
  }

  logFile(name: string): string {
    return path.join(this.dir, "logs", `${name}.log`);
  }

  supervisorPid(): number | null {
    try {
      const pid = Number(readFileSync(path.join(this.home, "pm2.pid"), "utf8").trim());
      return pid > 0 && isRunning(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  async cleanup(): Promise<void> {
    const pid = this.supervisorPid();
    if (pid !== null) await run([this.bin, "kill"], { env: this.env(), timeoutMs: 60_000 }).catch(() => {});
    for (const left of instanceProcesses(this.dir)) killPid(left);
  }
}

/** Installs the pinned pm2 into a private folder once; later runs reuse it. */
export async function preparePm2(cacheDir: string): Promise<Preparation> {
  const notes: string[] = [];
  if (!Bun.which("node") || !Bun.which("npm")) return { ok: false, why: "pm2 needs node and npm, and they are not on PATH", notes };
  const prefix = path.join(cacheDir, `pm2-${PM2_VERSION}`);
  const bin = path.join(prefix, "node_modules", ".bin", "pm2");
  if (!existsSync(bin)) {
    console.log(`installing pm2@${PM2_VERSION} into ${prefix} …`);
    const r = await run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", `pm2@${PM2_VERSION}`], {
      timeoutMs: 300_000,
    });
    if (r.code !== 0 || !existsSync(bin)) {
      return { ok: false, why: `npm install pm2@${PM2_VERSION} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`, notes };
    }
    notes.push(`pm2@${PM2_VERSION} installed into ${path.relative(process.cwd(), prefix)}`);
  }
  const node = (await runOk(["node", "--version"])).stdout.trim();
  const tool: Tool = {
    id: "pm2",
    version: `${PM2_VERSION} (Node.js ${node.replace(/^v/, "")})`,
    startup: { label: "`node -e 0`", argv: ["node", "-e", "0"] },
    instance: (dir) => new Pm2Instance(bin, dir),
  };
  return { ok: true, tool, notes };
}
