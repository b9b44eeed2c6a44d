import { defineCommand } from "citty";
import { consola, warmUp } from "../consola";
import { UsageError } from "../../core/errors";
import { splitName } from "../../core/names";
import { checkScopeFlags } from "../../client/scope";
import { tendClient, type KillOutcome } from "../../client/tend-client";
import { durationOption, jsonArg, printJson, projectArg, scopeFor, signalOption } from "./_shared";

function outcomeLine(k: KillOutcome, kept: boolean): string {
  if (kept) return k.wasRunning ? `stopped ${k.name} (pid ${k.pid}), kept in the list` : `${k.name} was not running; kept in the list`;
  return k.wasRunning ? `killed ${k.name} (pid ${k.pid})` : `removed ${k.name} (was not running)`;
}

export default defineCommand({
  meta: { name: "kill", description: "End processes and their whole process trees, then remove them from the list" },
  args: {
    names: { type: "positional", required: false, description: "Names of the processes" },
    all: { type: "boolean", description: "Every process of every project, and any stray one this TEND_HOME started" },
    ...projectArg,
    signal: { type: "string", valueHint: "SIGNAL", description: "Stop signal (default: the process's own, SIGTERM)" },
    grace: { type: "string", valueHint: "D", description: "Time to wait before SIGKILL (default: the process's own, 10s for sessions)" },
    keep: { type: "boolean", description: "Keep it listed (with its exit status) instead of removing it" },
    ...jsonArg,
  },
  async run({ args }) {
    const typed = args._.filter((n) => n !== "--");
    if (args.all && typed.length > 0) throw new UsageError("give names or --all, not both");
    checkScopeFlags(args);
    if (!args.all && typed.length === 0) throw new UsageError("give one or more names, or --all");
    const signal = signalOption("--signal", args.signal);
    const graceMs = durationOption("--grace", args.grace);
    if (!args.json) warmUp();
    const client = tendClient();
    const names = args.all ? [] : typed.map((await scopeFor(client, args)).scope.resolve);
    const { killed, strays, unanswered } = await client.kill(args.all ? "all" : names, { signal, graceMs, keep: args.keep });
    if (args.json) {
      printJson({ killed: killed.map((k) => ({ ...k, ...splitName(k.name) })), strays, unansweredSupervisor: unanswered });
      return 0;
    }
    if (unanswered !== null) consola.warn(`ended the supervisor (pid ${unanswered}), which did not answer; its processes go by their records`);
    for (const k of killed) {
      consola.success(outcomeLine(k, args.keep === true));
      if (k.survivors) consola.warn(`${k.name}: ${k.survivors}`);
    }
    if (strays.length > 0) consola.warn(`also ended ${strays.length} stray process${strays.length === 1 ? "" : "es"} of this TEND_HOME: ${strays.join(", ")}`);
    if (killed.length === 0 && strays.length === 0) consola.info("nothing to kill");
    return 0;
  },
});
