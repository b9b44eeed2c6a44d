import { defineCommand } from "citty";
import { tendClient } from "../../client/tend-client";
import { UsageMeter } from "../../client/usage";
import { renderStatus, statusJson } from "../status-view";
import { folderProject, needsFolderProject, scopeOf } from "../../client/scope";
import { jsonArg, projectArg } from "./_shared";

export default defineCommand({
  meta: {
    name: "status",
    alias: "ps",
    description: "Show the supervisor and the processes: of the project whose folder this is, else of every project, grouped (the default command)",
  },
  args: {
    ...projectArg,
    all: { type: "boolean", description: "Every project's processes, wherever this runs" },
    ...jsonArg,
  },
  async run({ args }) {
    const all = await tendClient().status();
    const folder = needsFolderProject(args, all.processes) ? await folderProject() : null;
    const scope = scopeOf(args, all.processes, { folderProject: folder });
    const view = { ...all, processes: all.processes.filter(scope.includes) };
    const usage = new UsageMeter().measure(view);
    if (args.json) process.stdout.write(`${JSON.stringify(statusJson(view, usage, Date.now()), null, 2)}\n`);
    else process.stdout.write(renderStatus(view, usage, Date.now(), process.stdout, scope.project));
    return 0;
  },
});
