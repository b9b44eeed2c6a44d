import { describeExit } from "../core/restart-policy";
import { describeProbe } from "../core/probe-spec";
import { formatDuration } from "../core/duration";
import type { ProcessRecord } from "../core/process-status";
import { describeSandbox } from "../core/sandbox-settings";
import { shellLine, shellWord } from "../core/shell-words";
import { formatBytes, formatPercent, type ProcessUsage } from "../core/usage";
import { detail } from "../cli/status-view";
import { projectOf } from "./model";
import { uptime } from "./list-view";
import { dimmed, fit, width, type Style } from "./text";


function ago(at: number | null, now: number): string {
  return at === null ? "" : `${formatDuration(Math.floor((now - at) / 1000) * 1000)} ago`;
}

/** Everything known about one process, as label/value lines for the details pane. */
export function detailLines(r: ProcessRecord, usage: ProcessUsage | undefined, now: number): [string, string][] {
  const { spec, status } = r;
  const rs = spec.restart;
  const lines: [string, string][] = [];
  const add = (label: string, value: string | null | undefined) => {
    if (value) lines.push([label, value]);
  };
  add("name", `${spec.name}${projectOf(r) ? `  (project ${projectOf(r)})` : ""}`);
  add("command", spec.shell && spec.command[0] === "sh" && spec.command[1] === "-c" ? `sh -c ${shellWord(spec.command[2] ?? "")}` : shellLine(spec.command));
  add("cwd", spec.cwd ?? "(the supervisor's)");
  const source = spec.source ? `${spec.source.file}${spec.source.line === null ? "" : `:${spec.source.line}`}` : null;
  add("origin", spec.origin === "worker" ? `worker, from ${source ?? "a config file (which one is not recorded)"}` : "session (tend bg)");
  add("env", envLine(spec.env));
  add("state", [status.state, status.pid !== null ? `pid ${status.pid}, up ${uptime(r, now)}` : "", detail(r, now)].filter(Boolean).join("; "));
  add(
    "restart",
    rs.mode === "no"
      ? "no"
      : `${rs.mode}; backoff ${formatDuration(rs.initialBackoffMs)} ×${rs.backoffFactor} up to ${formatDuration(rs.maxBackoffMs)}; parked after ${rs.maxRapidFailures} runs under ${formatDuration(rs.minUptimeMs)}${rs.parkExitCodes.length ? ` or exit code ${rs.parkExitCodes.join(", ")}` : ""}`,
  );
  const lastExit = status.exitCode !== null || status.exitSignal !== null ? `last exit ${describeExit(status.exitCode, status.exitSignal)} ${ago(status.endedAt, now)}` : "";
  const next = status.nextRestartAt !== null ? `next start in ${formatDuration(Math.max(0, status.nextRestartAt - now))}` : "";
  add("history", [`${status.restarts} restart${status.restarts === 1 ? "" : "s"}`, lastExit, status.startedAt !== null ? `started ${ago(status.startedAt, now)}` : "", next].filter(Boolean).join("; "));
  if (spec.ready) {
    const result =
      status.readyAt !== null
        ? `ready ${ago(status.readyAt, now)}`
        : (status.notReady ?? (status.probeError ? `not ready yet; last attempt: ${status.probeError}` : status.pid !== null ? "not ready yet" : ""));
    add("probe", `${describeProbe(spec.ready)}${result ? ` — ${result}` : ""}`);
  } else add("probe", "none");
  if (spec.dependsOn) add("depends on", Object.entries(spec.dependsOn).map(([n, c]) => `${n} (${c})`).join(", "));
  add("stop", `${spec.stopSignal}, then SIGKILL after ${formatDuration(spec.graceMs)}`);
  add("terminal", spec.tty ? "yes (tend attach)" : "no (pipes)");
  if (spec.sandbox) add("sandbox", describeSandbox(spec.sandbox));
  add("log", `rotated at ${formatBytes(spec.log.maxBytes)}, ${spec.log.maxFiles} files${status.logLinesLost ? `; ${status.logLinesLost} lines lost` : ""}`);
  if (usage) {
    add("usage", `CPU ${formatPercent(usage.cpuPercent)}, memory ${formatBytes(usage.memoryBytes)} in ${usage.processes} process${usage.processes === 1 ? "" : "es"} (the process alone: ${formatPercent(usage.self.cpuPercent)}, ${formatBytes(usage.self.memoryBytes)})`);
  }
  add("worktree", status.worktree);
  add("marker", status.marker ? `TEND_PROCESS_ID=${status.marker}` : null);
  return lines;
}

/**
 * The variables a process was given, by name: those that differ from this terminal's
 * environment first; a session took the whole environment of the shell that started it, and
 * listing all of that (dozens of names under npm) would hide what was set for it.
 */
function envLine(env: Record<string, string>): string {
  const names = Object.keys(env).sort();
  const own = names.filter((k) => process.env[k] !== env[k]);
  const same = names.length - own.length;
  if (names.length === 0) return "(only what it inherited)";
  return `${own.join(" ") || "(none of its own)"}${same > 0 ? `  (and ${same} as in this terminal)` : ""}`;
}

const LABEL = 11;

/** The details as rows of the pane: long values go on over the next rows, under the value. */
export function detailRows(r: ProcessRecord, usage: ProcessUsage | undefined, now: number, cols: number, s: Style): string[] {
  const room = Math.max(10, cols - LABEL - 1);
  return detailLines(r, usage, now).flatMap(([label, value]) =>
    wrap(value, room).map((part, i) => fit(`${dimmed((i === 0 ? label : "").padEnd(LABEL), s)} ${part}`, cols)),
  );
}

/** Cuts text into pieces of at most `room` columns, at spaces where it can. */
function wrap(text: string, room: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (width(rest) > room) {
    let cut = rest.lastIndexOf(" ", room);
    if (cut <= 0) cut = room;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  return [...parts, rest];
}
