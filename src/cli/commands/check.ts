import path from "node:path";
import { defineCommand } from "citty";
import { splitName } from "../../core/names";
import { describeProbe } from "../../core/probe-spec";
import type { ProcessSpec } from "../../core/process-spec";
import { configFileOf, loadConfig } from "../../client/config-file";
import { jsonArg, runChoicesOf, runPlanArgs } from "./_shared";

/** Names within the config's own project, as the file has them. */
const local = (full: string) => splitName(full).name;

/** One process as `check --json` shows it (docs/json.md). */
function view(spec: ProcessSpec) {
  return {
    name: local(spec.name),
    command: spec.command,
    shell: spec.shell,
    cwd: spec.cwd ?? null,
    port: spec.env.PORT === undefined ? null : Number(spec.env.PORT),
    restart: spec.restart.mode,
    ready: spec.ready === undefined ? null : describeProbe(spec.ready),
    dependsOn: Object.fromEntries(Object.entries(spec.dependsOn ?? {}).map(([name, condition]) => [local(name), condition])),
    graceMs: spec.graceMs,
  };
}

function shown(spec: ProcessSpec): string[] {
  const command = spec.shell ? spec.command[2]! : spec.command.join(" ");
  const cwd = path.relative(process.cwd(), spec.cwd ?? ".") || ".";
  const deps = Object.entries(spec.dependsOn ?? {}).map(([name, condition]) => `${local(name)} (${condition})`);
  return [local(spec.name), command, cwd, spec.env.PORT ?? "-", spec.restart.mode, spec.ready ? describeProbe(spec.ready) : "-", deps.join(", ") || "-"];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
}

export default defineCommand({
  meta: { name: "check", description: "Validate the config and show what tend start would run (exit 2 if the config is invalid)" },
  args: { ...runPlanArgs, ...jsonArg },
  run({ args, rawArgs }) {
    const file = configFileOf(args);
    const config = loadConfig(file, runChoicesOf(args, rawArgs));
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ file: config.file, project: config.project, processes: config.specs.map(view) }, null, 2)}\n`);
      return 0;
    }
    const header = ["NAME", "COMMAND", "CWD", "PORT", "RESTART", "READY", "DEPENDS ON"];
    process.stdout.write(`${config.file}: ${config.specs.length} process${config.specs.length === 1 ? "" : "es"} of project ${config.project}\n`);
    process.stdout.write(`${table([header, ...config.specs.map(shown)])}\n`);
    return 0;
  },
});
