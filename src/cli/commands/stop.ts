import { defineCommand } from "citty";
import { consola, warmUp } from "../consola";
import { tendClient } from "../../client/tend-client";
import { jsonArg, printJson } from "./_shared";

export default defineCommand({
  meta: { name: "stop", description: "Stop the supervisor and all its processes gracefully, and wait until they are gone" },
  args: { ...jsonArg },
  async run({ args }) {
    if (!args.json) warmUp();
    const outcome = await tendClient().shutdown();
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
