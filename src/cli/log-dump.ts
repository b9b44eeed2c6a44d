import type { LogsRequest } from "../client/logs";
import type { TendClient } from "../client/tend-client";
import type { ProcessRecord } from "../core/process-status";
import { describeExit } from "../core/restart-policy";
import { END_GROUP_LINE, groupLine, onGitHubActions } from "./github-actions";
import { logFormatter } from "./log-format";

type LogFilter = LogsRequest["filter"];

/**
 * What `--failed` keeps: crashed, parked, or ended with a non-zero code — and failing in a
 * loop: waiting to restart after a failed run, or, under `on-failure` (where a run is
 * restarted only after it failed), running again after restarts.
 */
export function failed(r: ProcessRecord): boolean {
  const s = r.status;
  const failedExit = (s.exitCode !== null && s.exitCode !== 0) || s.exitSignal !== null;
  switch (s.state) {
    case "crashed":
    case "parked":
      return true;
    case "exited":
    case "backoff":
      return failedExit;
    case "starting":
    case "running":
    case "ready":
      return s.restarts > 0 && r.spec.restart.mode === "on-failure";
    default:
      return false;
  }
}

/**
 * How a process stands, for a fold's title: `exit 1`, `running`, `parked: 5 rapid failures`,
 * `exit 1, restarting`, `running after 2 restarts`.
 */
export function standing(r: ProcessRecord | undefined): string {
  if (!r) return "no record";
  const s = r.status;
  if (s.state === "parked") return `parked: ${s.reason ?? ""}`.trimEnd();
  const restarting = s.state === "backoff" ? ", restarting" : "";
  if (s.exitSignal) return `${s.state === "stopped" ? "stopped, " : ""}${describeExit(null, s.exitSignal).replace("=", " ")}${restarting}`;
  if (s.exitCode !== null && (s.state === "exited" || s.state === "crashed" || s.state === "stopped" || s.state === "backoff")) {
    return `${s.state === "stopped" ? "stopped, " : ""}exit ${s.exitCode}${restarting}`;
  }
  if (s.restarts > 0 && (s.state === "starting" || s.state === "running" || s.state === "ready")) {
    return `${s.state} after ${s.restarts} restart${s.restarts === 1 ? "" : "s"}`;
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
