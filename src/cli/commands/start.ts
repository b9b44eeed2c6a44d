import path from "node:path";
import { defineCommand } from "citty";
import { consola } from "consola";
import type { CreatedBody } from "../../core/api-types";
import { TendError, UsageError } from "../../core/errors";
import { nameFromCommand } from "../../core/names";
import { defaultsFor, type ProcessSpec } from "../../core/process-spec";
import { isSettled, type ProcessState } from "../../core/process-status";
import { ApiClient } from "../../client/api-client";
import { findConfig, loadConfig } from "../../client/config-file";
import { launchSupervisor } from "../../client/launch";
import { layout, tendHome } from "../../platform/paths";
import { readSupervisorState } from "../../platform/supervisor-file";
import { runSupervisor } from "../../supervisor/run";
import { LinePrinter } from "../line-printer";
import { commandAfterDashes } from "./_shared";

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

function specsFor(dir: string, config: string | undefined, command: string[] | null): { specs: ProcessSpec[]; source: string } {
  if (command) {
    if (config) throw new UsageError("give either --config or a command after --, not both");
    if (command.length === 0) throw new UsageError("missing command after --", 'e.g. "tend start -- npm run dev"');
    const name = nameFromCommand(command, new Set());
    return { specs: [{ ...defaultsFor("worker"), name, command, shell: false, cwd: dir }], source: "command line" };
  }
  const file = config ? path.resolve(config) : findConfig(dir);
  if (!file) {
    throw new UsageError(
      `no tend.toml, tend.yaml, tend.json or Procfile in ${dir}`,
      'write one as in examples/demo/tend.toml, pass --config FILE, or give a command: tend start -- cmd args',
    );
  }
  return { specs: loadConfig(file).specs, source: displayPath(file) };
}

export default defineCommand({
  meta: { name: "start", description: "Start the processes of tend.toml/.yaml/.json or a Procfile (or the command after --) and keep them running" },
  args: {
    dir: { type: "string", description: "Working directory and where to look for the config (default: current directory)" },
    config: { type: "string", description: "Config file to use instead of looking in --dir" },
    detach: { type: "boolean", alias: "d", description: "Run the supervisor in the background and return once it is up" },
    name: { type: "string", description: "A name for this supervisor, shown by status" },
  },
  async run({ args, rawArgs }) {
    const dir = path.resolve(args.dir ?? ".");
    const { specs, source } = specsFor(dir, args.config, commandAfterDashes(rawArgs));
    const paths = layout(tendHome());
    const existing = readSupervisorState(paths);
    if (existing.kind === "running") {
      throw new TendError(
        `a supervisor is already running (pid ${existing.info.pid}, dir ${existing.info.dir})`,
        "already_running",
        'see it with "tend status", stop it with "tend stop"',
      );
    }

    if (args.detach) {
      const info = await launchSupervisor(paths, { dir, name: args.name ?? null, mode: "start" });
      const created = await new ApiClient(info.socket).post<CreatedBody>("/v1/processes", { processes: specs });
      for (const err of created.errors) consola.error(err.message);
      consola.success(`supervisor running in the background (pid ${info.pid}) with ${specs.length} process${specs.length === 1 ? "" : "es"} from ${source}`);
      consola.info('"tend status" shows them, "tend stop" stops them');
      return created.errors.length > 0 ? 1 : 0;
    }

    const printer = new LinePrinter(specs.map((s) => s.name));
    const states = new Map<string, ProcessState>();
    let endedByItself = false;
    const handle = await runSupervisor({
      home: paths.home,
      dir,
      name: args.name ?? null,
      mode: "start",
      detached: false,
      events: {
        line: (name, stream, line, partial) => printer.line(name, stream, line, partial),
        notice: (name, message, level) => printer.notice(name, message, level),
        change: (record) => {
          states.set(record.spec.name, record.status.state);
          // In a terminal, tend start lasts as long as something can still run. A "stopped"
          // process means a stop was asked for, which is a different ending.
          const all = [...states.values()];
          if (!endedByItself && states.size === specs.length && all.every(isSettled) && !all.includes("stopped")) {
            endedByItself = true;
            printer.notice(null, "every process has ended", "info");
            void handle.shutdown();
          }
        },
      },
    });
    printer.notice(null, `supervising ${specs.length} process${specs.length === 1 ? "" : "es"} from ${source} (pid ${process.pid}); Ctrl-C stops`, "info");
    handle.supervisor.add(specs);
    await handle.done;
    printer.flush();
    const failed = [...states.values()].some((s) => s === "parked" || s === "crashed");
    return endedByItself && failed ? 1 : 0;
  },
});
