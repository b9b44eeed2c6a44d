import { defineCommand } from "citty";
import { consola, warmUp } from "../consola";
import { requireKnown, UsageError } from "../../core/errors";
import { tendClient } from "../../client/tend-client";
import { projectArg, scopeFor } from "./_shared";

export default defineCommand({
  meta: { name: "restart", description: "Stop processes (gracefully) and start them again, backoff and crash count reset" },
  args: {
    names: { type: "positional", required: false, description: "Names of the processes" },
    ...projectArg,
  },
  async run({ args }) {
    const typed = args._.filter((n) => n !== "--");
    if (typed.length === 0) throw new UsageError("give one or more names");
    const client = tendClient();
    warmUp();
    const { scope, records } = await scopeFor(client, args);
    const names = typed.map(scope.resolve);
    // All or none: a typo in the last name must not leave the first ones restarted.
    requireKnown(names, records.map((r) => r.spec.name));
    for (const name of names) {
      const record = await client.restart(name);
      consola.success(`restarted ${name} (pid ${record.status.pid})`);
    }
    return 0;
  },
});
