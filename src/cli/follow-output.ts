import type { TendClient } from "../client/tend-client";
import { LinePrinter } from "./line-printer";

/**
 * The foreground of a `tend start` whose processes went to an already running supervisor: their
 * output as `name | line` until they end, and Ctrl-C ends them (as it would have in a
 * supervisor of our own), leaving the rest of that supervisor alone.
 */
export async function followOutput(client: TendClient, names: string[], sinceMs: number): Promise<number> {
  const printer = new LinePrinter(names);
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    printer.notice(null, "stopping the processes this start added", "info");
    // Each on its own: one already gone must not keep the others running.
    void Promise.all(names.map((n) => client.kill([n], {}).catch(() => {})));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const outcome = await client.logs({ names, all: false, follow: true, filter: { sinceNs: BigInt(sinceMs) * 1_000_000n } }, {
      start() {},
      lines(batch) {
        for (const e of batch) printer.line(e.name, e.stream, e.text, e.partial);
      },
    });
    if (outcome.kind === "dropped") printer.notice(null, "output dropped: this terminal reads more slowly than the processes write", "warn");
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    printer.flush();
  }
  return 0;
}
