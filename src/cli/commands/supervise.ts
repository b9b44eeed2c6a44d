import { defineCommand } from "citty";
import { parseDuration } from "../../core/duration";
import { runSupervisor } from "../../supervisor/run";

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

/** Hidden: the detached supervisor process itself, started by `start -d` and `bg`. */
export default defineCommand({
  meta: { name: "__supervise", hidden: true, description: "Run the supervisor detached (internal)" },
  args: {
    home: { type: "string", required: true },
    dir: { type: "string", required: true },
    mode: { type: "enum", options: ["start", "on-demand"], required: true },
    name: { type: "string" },
    capacity: { type: "string" },
    "spawn-mode": { type: "enum", options: ["same-dir", "worktree"] },
  },
  async run({ args }) {
    const log = (name: string | null, message: string, level: string) =>
      process.stdout.write(`${new Date().toISOString()} ${level.padEnd(5)} ${name ? `${name}: ` : ""}${message}\n`);
    const handle = await runSupervisor({
      home: args.home,
      dir: args.dir,
      name: args.name ?? null,
      mode: args.mode as "start" | "on-demand",
      detached: true,
      capacity: Number(args.capacity ?? 0),
      spawnMode: (args["spawn-mode"] as "same-dir" | "worktree" | undefined) ?? "same-dir",
      lingerMs: lingerFromEnv(),
      events: { notice: log },
    });
    log(null, `supervisor started, pid ${process.pid}`, "info");
    await handle.done;
    return 0;
  },
});
