import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { instanceEnv, instanceProcesses, killPid } from "../lib/cleanup";
import { run, runOk } from "../lib/exec";
import { isRunning } from "../lib/proc-stats";
import type { Instance, Listed, ListedState, Preparation, ProcSpec, SessionCli, Tool } from "./types";

const STATES: Record<string, ListedState> = {
  running: "running",
  ready: "running",
  queued: "starting",
  starting: "starting",
  backoff: "restarting",
  stopping: "stopped",
  stopped: "stopped",
  exited: "exited",
  crashed: "exited",
  parked: "gave-up",
};

// JSON strings are valid TOML basic strings for everything a bench writes.
const q = (s: string) => JSON.stringify(s);

function toml(procs: ProcSpec[]): string {
  return procs
    .map((p) => {
      const lines = [`[processes.${p.name}]`, `command = [${p.argv.map(q).join(", ")}]`, `restart = ${q(p.restart)}`];
      if (p.env) lines.push(`env = { ${Object.entries(p.env).map(([k, v]) => `${k} = ${q(v)}`).join(", ")} }`);
      if (p.crashLoop) lines.push(`backoff = { initial = "0ms", max = "0ms" }`);
      if (p.crashLoop === "no-guard") lines.push("max_rapid_failures = 1000000000");
      if (p.graceMs !== undefined) lines.push(`stop_grace = "${p.graceMs}ms"`);
      // One file big enough for any workload, so rotation never touches a measured log.
      lines.push(`log = { max_size = "4GiB", max_files = 1 }`);
      return lines.join("\n");
    })
    .join("\n\n");
}

class TendInstance implements Instance, SessionCli {
  readonly logFormat = "cri" as const;
  private readonly home: string;
  private readonly configDir: string;

  constructor(
    private readonly bin: string,
    private readonly dir: string,
  ) {
    this.home = path.join(dir, "home");
    this.configDir = path.join(dir, "cfg");
  }

  private env() {
    return { ...instanceEnv(this.dir), TEND_HOME: this.home, NO_COLOR: "1" };
  }

  command(args: string[]): { argv: string[]; env: Record<string, string> } {
    return { argv: [this.bin, ...args], env: this.env() };
  }

  private cli(args: string[], timeoutMs?: number) {
    return runOk([this.bin, ...args], { env: this.env(), timeoutMs });
  }

  async run(args: string[]): Promise<number> {
    return (await this.cli(args)).ms;
  }

  async start(procs: ProcSpec[]): Promise<void> {
    mkdirSync(this.configDir, { recursive: true });
    writeFileSync(path.join(this.configDir, "tend.toml"), `${toml(procs)}\n`);
    await this.cli(["start", "-d", "--dir", this.configDir]);
  }

  async list(): Promise<Listed[]> {
    const body = JSON.parse((await this.cli(["status", "--json"])).stdout) as {
      processes: { name: string; state: string; pid: number | null }[];
    };
    return body.processes.map((p) => ({ name: p.name, state: STATES[p.state] ?? "other", raw: p.state, pid: p.pid }));
  }

  async userList(): Promise<void> {
    await this.cli(["ps"]);
  }

  async stop(): Promise<void> {
    await this.cli(["stop"], 120_000);
  }

  /** The processes of the config belong to the project named after its folder: their logs are one folder down. */
  logFile(name: string): string {
    return path.join(this.home, "logs", path.basename(this.configDir), `${name}.log`);
  }

  supervisorPid(): number | null {
    const file = path.join(this.home, "supervisor.json");
    if (!existsSync(file)) return null;
    try {
      const pid = (JSON.parse(readFileSync(file, "utf8")) as { pid?: number }).pid;
      return typeof pid === "number" && isRunning(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  async cleanup(): Promise<void> {
    const pid = this.supervisorPid();
    if (pid !== null) await run([this.bin, "stop"], { env: this.env(), timeoutMs: 60_000 }).catch(() => {});
    for (const left of instanceProcesses(this.dir)) killPid(left);
  }
}

export async function prepareTend(bin: string): Promise<Preparation> {
  if (!existsSync(bin)) return { ok: false, why: `${bin} is missing: run "npm run build" first`, notes: [] };
  const version = (await runOk([bin, "--version"])).stdout.trim();
  const tool: Tool = {
    id: "tend",
    version,
    startup: { label: "`tend --version`", argv: [bin, "--version"] },
    instance: (dir) => new TendInstance(bin, dir),
    sessions: (dir) => new TendInstance(bin, dir),
  };
  return { ok: true, tool, notes: [] };
}
