import type { TendClient } from "./tend-client-types";

/** The last `n` lines of a process's log, through the supervisor while it runs. */
export async function lastLines(client: TendClient, name: string, n: number): Promise<string[]> {
  const lines: string[] = [];
  if (n <= 0) return lines;
  await client.logs({ names: [name], all: false, follow: false, filter: { tail: n } }, {
    start() {},
    lines(batch) {
      for (const e of batch) lines.push(e.text);
    },
  });
  return lines.slice(-n);
}
