import type { LogsRequest } from "../client/logs";
import type { TendClient } from "../client/tend-client";
import type { ProcessRecord } from "../core/process-status";
import { describeExit } from "../core/restart-policy";
import { END_GROUP_LINE, groupLine, onGitHubActions } from "./github-actions";
import { logFormatter } from "./log-format";

type LogFilter = LogsRequest["filter"];

/** Crashed, parked, or ended with a non-zero code: what `--failed` keeps. */
export function failed(r: ProcessRecord): boolean {
  const s = r.status;
  if (s.state === "crashed" || s.state === "parked") return true;
  return s.state === "exited" && (s.exitCode !== 0 || s.exitSignal !== null);
}

/** How a process stands, for a fold's title: `exit 1`, `running`, `parked: 5 rapid failures`. */
export function standing(r: ProcessRecord | undefined): string {
  if (!r) return "no record";
  const s = r.status;
  if (s.state === "parked") return `parked: ${s.reason ?? ""}`.trimEnd();
  if (s.exitSignal) return `${s.state === "stopped" ? "stopped, " : ""}${describeExit(null, s.exitSignal).replace("=", " ")}`;
  if (s.exitCode !== null && (s.state === "exited" || s.state === "crashed" || s.state === "stopped" || s.state === "backoff")) {
    return `${s.state === "stopped" ? "stopped, " : ""}exit ${s.exitCode}`;
  }
  return s.state;
}

/**
 * Every named process's log (or the part `filter` keeps), one after the other, each under a
 * title saying how it stands — on GitHub Actions in a fold (`::group::web (exit 1)`) — the
 * shape a CI log wants after a failure.
 */
export async function dumpLogs(
  client: TendClient,
  names: string[],
  known: ProcessRecord[],
  opts: { filter: LogFilter; timestamps: boolean; color: boolean },
  write: (text: string) => Promise<void> | void,
): Promise<void> {
  for (const name of names) {
    const title = `${name} (${standing(known.find((r) => r.spec.name === name))})`;
    await write(onGitHubActions() ? groupLine(title) : `--- ${title} ---\n`);
    const format = logFormatter([name], { prefixed: false, timestamps: opts.timestamps, json: false, color: opts.color });
    await client.logs({ names: [name], all: false, follow: false, filter: opts.filter }, {
      start() {},
      lines(batch) {
        let text = "";
        for (const e of batch) text += format(e);
        return write(text);
      },
    });
    if (onGitHubActions()) await write(END_GROUP_LINE);
  }
}
