import { defineCommand } from "citty";
import { consola, warmUp } from "../consola";
import { tendClient } from "../../client/tend-client";
import { jsonArg, printJson, projectArg, scopeFor } from "./_shared";

export default defineCommand({
  meta: {
    name: "stop",
    description: "Stop a project's processes gracefully (the one whose folder this is, or -p); outside any project, or with --all, stop the supervisor and everything it holds",
  },
  args: {
    ...projectArg,
    all: { type: "boolean", description: "Every project, every session, and the supervisor itself" },
    ...jsonArg,
  },
  async run({ args }) {
    if (!args.json) warmUp();
    const client = tendClient();
    const { scope } = await scopeFor(client, args);
    if (scope.project !== null) {
      const { stopped, supervisorLeaving } = await client.stopProject(scope.project);
      if (args.json) {
        printJson({ outcome: "project-stopped", project: scope.project, stopped: stopped.length, supervisorLeft: supervisorLeaving });
        return 0;
      }
      const left = supervisorLeaving ? "; nothing else was left, so the supervisor stopped too" : "";
      if (stopped.length === 0) consola.info(`project ${scope.project} has nothing running${left}`);
      else consola.success(`stopped project ${scope.project} (${stopped.length} process${stopped.length === 1 ? "" : "es"})${left}`);
      return 0;
    }
    const outcome = await client.shutdown();
    if (args.json) {
      const { kind, ...facts } = outcome;
      printJson({ outcome: kind, ...facts });
    } else if (outcome.kind === "stopped") {
      consola.success(`stopped (supervisor pid ${outcome.pid}, took ${outcome.tookMs} ms)`);
      if (outcome.left) consola.warn(outcome.left);
    } else if (outcome.kind === "not-running") consola.info("not running");
    else consola.warn(outcome.message);
    return 0;
  },
});
