export type ToolId = "tend" | "pm2" | "supervisord";

/** One supervised process, described once and translated into each tool's own config. */
export interface ProcSpec {
  name: string;
  argv: string[];
  /** Extra environment for the process (the tools pass their own on top). */
  env?: Record<string, string>;
  restart: "always" | "no";
  /**
   * For crash loops: restart with the shortest delay the tool allows, and either keep the tool's
   * default guard against crash loops (tend parks, pm2 marks "errored", supervisord goes FATAL)
   * or set that guard as loose as the tool permits.
   */
  crashLoop?: "default-guard" | "no-guard";
  /** Time between the stop signal and SIGKILL. */
  graceMs?: number;
}

/** How a tool's list command describes a process, mapped to words every tool shares. */
export type ListedState = "running" | "starting" | "restarting" | "stopped" | "exited" | "gave-up" | "other";

export interface Listed {
  name: string;
  state: ListedState;
  /** The tool's own word for the state: "parked", "errored", "FATAL", … */
  raw: string;
  pid: number | null;
}

/**
 * One supervisor of one tool, with its own private state folder. Kept small on purpose: a
 * workload only starts processes, lists them, stops them and reads their logs.
 */
export interface Instance {
  /** Runs the tool's start command (the daemon too, if it does not run yet); resolves when the command returns. */
  start(procs: ProcSpec[]): Promise<void>;
  /** The tool's list command, parsed. */
  list(): Promise<Listed[]>;
  /** The list command a user types to see what runs (`tend ps`, `pm2 jlist`, `supervisorctl status`). */
  userList(): Promise<void>;
  /** Stops every process; resolves when the tool's stop command returns. */
  stop(): Promise<void>;
  logFile(name: string): string;
  readonly logFormat: "cri" | "raw";
  supervisorPid(): number | null;
  /** Ends the supervisor and everything it started, whatever state it is in. */
  cleanup(): Promise<void>;
  /** The tool's own command line against this instance, as a user types it (tend only: W7 drives `tend ui`). */
  command?(args: string[]): { argv: string[]; env: Record<string, string> };
}

/** tend's own session commands (`bg`, `wait --exit`, `kill`), which no other tool has a match for. */
export interface SessionCli {
  /** Runs `tend ARGS` against the instance's private home and resolves with the wall time (ms). */
  run(args: string[]): Promise<number>;
  /** Ends the supervisor and everything it started, whatever state it is in. */
  cleanup(): Promise<void>;
}

export interface Tool {
  id: ToolId;
  /** What the tool's version is, once it is ready. */
  version: string;
  /** Its runtime started to do nothing: the floor under every command of the tool. */
  startup: { label: string; argv: string[] };
  instance(dir: string): Instance;
  sessions?(dir: string): SessionCli;
}

export type Preparation = { ok: true; tool: Tool; notes: string[] } | { ok: false; why: string; notes: string[] };
