import path from "node:path";
import { defineCommand } from "citty";
import { consola } from "../consola";
import { TendError, UsageError } from "../../core/errors";
import { parseExitWith } from "../../core/exit-with";
import { nameFromCommand } from "../../core/names";
import { defaultsFor, type ProcessSpec } from "../../core/process-spec";
import { type LoadChoices, loadConfig } from "../../client/config-file";
import { findConfig } from "../../client/config-location";
import { tendClient, type TendHome } from "../../client/tend-client";
import type { SupervisorInfo } from "../../core/supervisor-info";
import { followOutput } from "../follow-output";
import { superviseInForeground } from "../supervise";
import { commandAfterDashes, runChoicesOf, runPlanArgs, sandboxArgs, sandboxOf } from "./_shared";

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

function specsFor(dir: string, config: string | undefined, command: string[] | null, detach: boolean, choices: LoadChoices): { specs: ProcessSpec[]; source: string } {
  if (command) {
    if (config) throw new UsageError("give either --config or a command after --, not both");
    if (command.length === 0) throw new UsageError("missing command after --", 'e.g. "tend start -- npm run dev"');
    const name = nameFromCommand(command, new Set());
    return { specs: [{ ...defaultsFor("worker"), name, command, shell: false, cwd: dir }], source: "command line" };
  }
  const file = config ? path.resolve(config) : findConfig(dir);
  // A background supervisor without workers is one to hold sessions (with --capacity, say).
  if (!file && detach) return { specs: [], source: "no config" };
  if (!file) {
    throw new UsageError(
      `no tend.toml, tend.yaml, tend.json or Procfile in ${dir}`,
      'write one as in examples/demo/tend.toml, pass --config FILE, or give a command: tend start -- cmd args',
    );
  }
  return { specs: loadConfig(file, choices).specs, source: displayPath(file) };
}

/**
 * A supervisor already runs: its processes get these too, as `tend bg` would add sessions.
 * In the foreground we then follow the new processes' output until Ctrl-C.
 */
async function handOver(client: TendHome, info: SupervisorInfo, specs: ProcessSpec[], source: string, detach: boolean): Promise<number> {
  const env = process.env as Record<string, string>;
  const processes = specs.map((s) => ({ ...s, env: { ...env, ...s.env } }));
  const handedAt = Date.now();
  // The same project started again: say so, instead of what a clash of one session's name would.
  const running = new Set((await client.list()).map((r) => r.spec.name));
  const project = specs[0]?.project?.name;
  if (project && specs.some((s) => running.has(s.name))) {
    throw new TendError(
      `project ${project} is already running under the supervisor (pid ${info.pid})`,
      "name_taken",
      'see it with "tend ps", restart a process with "tend restart NAME", or stop it first with "tend stop"',
    );
  }
  const created = await client.create(processes);
  for (const err of created.errors) consola.error(err.message);
  consola.success(`handed ${specs.length} process${specs.length === 1 ? "" : "es"} from ${source} to the running supervisor (pid ${info.pid})`);
  if (detach) return created.errors.length > 0 ? 1 : 0;
  return followOutput(client, specs.map((s) => s.name), handedAt);
}

export default defineCommand({
  meta: { name: "start", description: "Start the processes of tend.toml/.yaml/.json or a Procfile (or the command after --) and keep them running" },
  args: {
    ...runPlanArgs,
    detach: { type: "boolean", alias: "d", description: "Run the supervisor in the background and return once it is up" },
    timestamps: { type: "boolean", alias: "t", description: "Put the time of day in front of each line of output" },
    "exit-with": { type: "string", valueHint: "first|NAME", description: "first | NAME: when that process ends, stop the rest and exit with its status" },
    name: { type: "string", valueHint: "NAME", description: "A name for this supervisor, shown by status" },
    capacity: { type: "string", valueHint: "N", description: "Most sessions running at once; the rest wait, queued (default: 0 = no limit)" },
    "spawn-mode": { type: "enum", options: ["same-dir", "worktree"], description: "worktree: each process in its own git worktree of --dir" },
    ...sandboxArgs,
  },
  async run({ args, rawArgs }) {
    const dir = path.resolve(args.dir ?? ".");
    const loaded = specsFor(dir, args.config, commandAfterDashes(rawArgs), args.detach === true, runChoicesOf(args, rawArgs));
    const sandbox = sandboxOf(args);
    // --sandbox confines every worker; a process's own `sandbox` setting in the config wins.
    const specs = sandbox ? loaded.specs.map((s) => ({ sandbox, ...s })) : loaded.specs;
    const source = loaded.source;
    const capacity = args.capacity === undefined ? 0 : Number(args.capacity);
    if (!Number.isInteger(capacity) || capacity < 0) throw new UsageError(`--capacity: expected a whole number (0 = no limit), got "${args.capacity}"`);
    const spawnMode = (args["spawn-mode"] as "same-dir" | "worktree" | undefined) ?? "same-dir";
    const exitWith = args["exit-with"] === undefined ? null : parseExitWith(args["exit-with"], specs.map((s) => s.name));
    if (exitWith && args.detach) throw new UsageError("--exit-with needs the foreground: it ends this start when a process ends", "leave out -d");
    const client = tendClient();
    const running = client.supervisor();
    if (running && exitWith) {
      throw new UsageError(`--exit-with needs a supervisor of its own, and one already runs (pid ${running.pid})`, 'stop it with "tend stop", or leave out --exit-with');
    }
    if (running) return handOver(client, running, specs, source, args.detach === true);

    if (!args.detach) {
      const output = { timestamps: args.timestamps === true, exitWith };
      return superviseInForeground({ home: client.home, dir, name: args.name ?? null, capacity, spawnMode, specs, source, ...output });
    }
    const info = await client.launch({ dir, name: args.name ?? null, mode: "start", capacity, spawnMode });
    const created = specs.length ? await client.create(specs) : { records: [], errors: [] };
    for (const err of created.errors) consola.error(err.message);
    consola.success(`supervisor running in the background (pid ${info.pid}) with ${specs.length} process${specs.length === 1 ? "" : "es"} from ${source}`);
    consola.info('"tend status" shows them, "tend stop" stops them');
    return created.errors.length > 0 ? 1 : 0;
  },
});
