import { parseArgs } from "node:util";
import { parseDuration } from "../core/duration";
import { runSupervisor } from "../supervisor/run";
import { SupervisorLog } from "../supervisor/supervisor-log";

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
    },
  });
  if (!values.home || !values.dir || (values.mode !== "start" && values.mode !== "on-demand")) {
    process.stderr.write("tend __supervise: internal command; it needs --home, --dir and --mode start|on-demand\n");
    return 2;
  }
  const out = new SupervisorLog(values.home);
  const log = (name: string | null, message: string, level: string) =>
    out.write(`${new Date().toISOString()} ${level.padEnd(5)} ${name ? `${name}: ` : ""}${message}\n`);
  const handle = await runSupervisor({
    home: values.home,
    dir: values.dir,
    name: values.name ?? null,
    mode: values.mode,
    detached: true,
    capacity: Number(values.capacity ?? 0),
    spawnMode: values["spawn-mode"] === "worktree" ? "worktree" : "same-dir",
    lingerMs: lingerFromEnv(),
    events: { notice: log },
  });
  log(null, `supervisor started, pid ${process.pid}`, "info");
  await handle.done;
  return 0;
}
