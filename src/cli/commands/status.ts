import { defineCommand } from "citty";
import { tendClient } from "../../client/tend-client";
import { UsageMeter } from "../../client/usage";
import { renderStatus, statusJson } from "../status-view";
import { jsonArg } from "./_shared";

export default defineCommand({
  meta: { name: "status", alias: "ps", description: "Show the supervisor and every process (the default command)" },
  args: { ...jsonArg },
  async run({ args }) {
    const view = await tendClient().status();
    const usage = new UsageMeter().measure(view);
    if (args.json) process.stdout.write(`${JSON.stringify(statusJson(view, usage, Date.now()), null, 2)}\n`);
    else process.stdout.write(renderStatus(view, usage, Date.now(), process.stdout));
    return 0;
  },
});
