import { parseArgs } from "node:util";
import { parseDuration } from "../core/duration";
import type { ProcessSpec } from "../core/process-spec";
import { stackEndsWith, type ExitWith } from "../core/exit-with";
import { isSettled, type ProcessRecord } from "../core/process-status";
import { describeExit } from "../core/restart-policy";
import { shellExitCode } from "../client/exit-code";
import type { SupervisorInfo } from "../core/supervisor-info";
import { TendError } from "../core/errors";
import { runSupervisor, type SupervisorHandle } from "../supervisor/run";
import { SupervisorLog } from "../supervisor/supervisor-log";
import { LinePrinter } from "./line-printer";
import { onReaderGone } from "./reader-gone";

/**
 * The one module of the command line that runs a supervisor in its own process: detached
 * (`tend __supervise`) or in the foreground of `tend start`. Every other command reaches the
 * supervisor through the client.
 */

/** TEND_LINGER: how long an on-demand supervisor waits, once idle, before it leaves. */
function lingerFromEnv(): number | undefined {
  const raw = process.env.TEND_LINGER;
  if (!raw) return undefined;
  try {
    return parseDuration(raw);
  } catch {
    process.stdout.write(`TEND_LINGER=${raw} is not a duration; using the default\n`);
    return undefined;
  }
}

/**
 * The detached supervisor process itself, started by `start -d` and `bg` as `tend __supervise`.
 * Reached without the command table (citty, consola, every command's imports), so the
 * long-running process carries only what it runs; its arguments come from tend itself.
 */
export async function supervise(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      home: { type: "string" },
      dir: { type: "string" },
      mode: { type: "string" },
      name: { type: "string" },
      capacity: { type: "string" },
      "spawn-mode": { type: "string" },
      "start-signal-fd": { type: "string" },
    },
  });
  if (!values.home || !values.dir || (values.mode !== "start" && values.mode !== "on-demand")) {
    process.stderr.write("tend __supervise: internal command; it needs --home, --dir and --mode start|on-demand\n");
    return 2;
  }
  const out = new SupervisorLog(values.home);
  const log = (name: string | null, message: string, level: string) =>
    out.write(`${new Date().toISOString()} ${level.padEnd(5)} ${name ? `${name}: ` : ""}${message}\n`);
  let handle: SupervisorHandle;
  try {
    handle = await runSupervisor({
      home: values.home,
      dir: values.dir,
      name: values.name ?? null,
      mode: values.mode,
      detached: true,
      capacity: Number(values.capacity ?? 0),
      spawnMode: values["spawn-mode"] === "worktree" ? "worktree" : "same-dir",
      lingerMs: lingerFromEnv(),
      startSignalFd: values["start-signal-fd"] ? Number(values["start-signal-fd"]) : undefined,
      events: { notice: log },
    });
  } catch (error) {
    // The launcher shows the last lines of this log: the reason comes last, after a bug's stack.
    const known = error instanceof TendError;
    if (!known && error instanceof Error && error.stack) out.write(`${error.stack}\n`);
    log(null, `could not start: ${known ? `${error.message}${error.hint ? ` (${error.hint})` : ""}` : String(error)}`, "error");
    return 1;
  }
  log(null, `supervisor started, pid ${process.pid}`, "info");
  await handle.done;
  return 0;
}

export interface ForegroundOptions {
  home: string;
  dir: string;
  name: string | null;
  capacity: number;
  spawnMode: SupervisorInfo["spawnMode"];
  specs: ProcessSpec[];
  /** Where the specs came from, for the first line. */
  source: string;
  /** The time of day in front of each line. */
  timestamps: boolean;
  exitWith: ExitWith | null;
}

/**
 * `tend start` in the foreground: the supervisor in this process, its processes' output as
 * `name | line`, until Ctrl-C, or until every process has ended by itself (exit 1 if one
 * failed), or until the one `--exit-with` names has (its status is then ours).
 */
export async function superviseInForeground(opts: ForegroundOptions): Promise<number> {
  const { specs, exitWith } = opts;
  const printer = new LinePrinter(specs.map((s) => s.name), { timestamps: opts.timestamps });
  const records = new Map<string, ProcessRecord>();
  const mine = new Set(specs.map((s) => s.name));
  let endedByItself = false;
  let stackEnd: number | null = null;
  const handle = await runSupervisor({
    home: opts.home,
    dir: opts.dir,
    name: opts.name,
    mode: "start",
    detached: false,
    capacity: opts.capacity,
    spawnMode: opts.spawnMode,
    events: {
      // Processes another project's `tend start` handed to this supervisor are theirs to show.
      chunk: (name, stream, bytes) => mine.has(name) && printer.chunk(name, stream, bytes),
      notice: (name, message, level) => (name === null || mine.has(name)) && printer.notice(name, message, level),
      change: (record) => {
        if (!mine.has(record.spec.name)) return;
        records.set(record.spec.name, record);
        const ending = exitWith && stackEnd === null ? stackEndsWith(exitWith, record) : null;
        if (ending) {
          stackEnd = shellExitCode(ending.code, ending.signal);
          printer.notice(record.spec.name, `ended (${describeExit(ending.code, ending.signal)}): stopping the rest (--exit-with)`, "info");
          void handle.shutdown();
          return;
        }
        // In a terminal, tend start lasts as long as something can still run. A "stopped"
        // process means a stop was asked for, which is a different ending.
        const all = [...records.values()].map((r) => r.status.state);
        if (!endedByItself && records.size === specs.length && all.every(isSettled) && !all.includes("stopped")) {
          endedByItself = true;
          printer.notice(null, "every process has ended", "info");
          void handle.shutdown();
        }
      },
    },
  });
  // Nobody reads our output any more (`tend start | head`): stop as on Ctrl-C, never leave the
  // processes running without their supervisor.
  let readerLeft = false;
  onReaderGone(() => {
    if (readerLeft) return;
    readerLeft = true;
    printer.mute();
    void handle.shutdown();
  });
  printer.notice(null, `supervising ${specs.length} process${specs.length === 1 ? "" : "es"} from ${opts.source} (pid ${process.pid}); Ctrl-C stops`, "info");
  const { errors } = await handle.supervisor.add(specs);
  for (const e of errors) printer.notice(null, e.message, "error");
  await handle.done;
  printer.flush();
  if (stackEnd !== null) return stackEnd;
  // A one-shot job parked for exiting 0 again and again did its work: no failure to report.
  const failed = [...records.values()].some(({ status: s }) => s.state === "crashed" || (s.state === "parked" && s.exitCode !== 0));
  return endedByItself && failed ? 1 : 0;
}
