import type { SupervisorView } from "../client/tend-client";
import { formatDuration } from "../core/duration";
import { splitName } from "../core/names";
import type { ProcessRecord } from "../core/process-status";
import { describeSandbox } from "../core/sandbox-settings";
import { stripSgr } from "../core/sgr";
import { formatBytes, formatPercent, type ProcessUsage } from "../core/usage";
import { colorEnabled, dim, paint, STATE_COLOR } from "./colors";

/** Why a process is where it is, in words: the INFO column of `ps`, the WHY column of `tend ui`. */
export function detail(r: ProcessRecord, now: number): string {
  const lost = r.status.logLinesLost ? `${r.status.logLinesLost.toLocaleString("en-US")} log lines lost` : "";
  const sandbox = r.spec.sandbox ? `sandbox: ${describeSandbox(r.spec.sandbox)}` : "";
  return [sandbox, stateDetail(r, now), lost].filter(Boolean).join("; ");
}

function stateDetail(r: ProcessRecord, now: number): string {
  const s = r.status;
  const exit = s.exitSignal ? `signal=${s.exitSignal}` : s.exitCode !== null ? `code=${s.exitCode}` : "";
  switch (s.state) {
    case "backoff":
      return `${exit}, restarting in ${formatDuration(Math.max(0, (s.nextRestartAt ?? now) - now))}`;
    case "parked":
      return s.reason ?? "";
    case "exited":
    case "crashed":
    case "stopped":
      return [exit, s.endedAt ? `${formatDuration(now - s.endedAt)} ago` : "", s.reason ?? ""].filter(Boolean).join(", ");
    default:
      return s.reason ?? "";
  }
}

function table(rows: string[][], color: boolean): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => stripSgr(r[i]!).length)));
  return rows
    .map((r, ri) => {
      const line = r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - stripSgr(c).length))).join("  ").trimEnd();
      return ri === 0 ? dim(line, color) : line;
    })
    .join("\n");
}


/** Usage of the running processes, by pid (see UsageMeter). */
export type UsageByPid = ReadonlyMap<number, ProcessUsage>;

/** `project`: the one shown, when the command was scoped to it; an empty one says so. */
export function renderStatus(view: SupervisorView, usage: UsageByPid, now: number, out: { isTTY?: boolean }, project: string | null = null): string {
  const color = colorEnabled(out);
  const lines: string[] = [];
  if (view.state === "stopped") {
    if (view.cleaned) lines.push(view.cleaned);
    lines.push(`supervisor: ${dim("not running", color)}`);
    if (view.lost.length > 0) {
      lines.push(
        paint(`the supervisor was lost; still running unwatched: ${view.lost.join(", ")} (end them with "tend kill --all")`, 33, color),
      );
    }
  } else {
    const i = view.info;
    const state = view.state === "running" ? paint("running", 32, color) : paint("not answering", 31, color);
    lines.push(
      `supervisor: ${state}  pid ${i.pid}  up ${formatDuration(now - i.startedAt)}  dir ${i.dir}${i.name ? `  name ${i.name}` : ""}`,
    );
    if (view.state === "unresponsive") lines.push(`  ${view.error}`);
  }
  if (view.processes.length > 0) {
    // Grouped by project (those of none first), each process by its name within the project.
    const groups = groupByProject(view.processes);
    const rows = [["NAME", "STATE", "PID", "RESTARTS", "UPTIME", "CPU", "MEM", "INFO"]];
    for (const [, records] of groups) {
      for (const r of records) {
        const s = r.status;
        const up = s.pid !== null && s.startedAt !== null ? formatDuration(now - s.startedAt) : "-";
        const u = s.pid === null ? undefined : usage.get(s.pid);
        rows.push([
          splitName(r.spec.name).name,
          paint(s.state, STATE_COLOR[s.state] ?? 39, color),
          s.pid === null ? "-" : String(s.pid),
          String(s.restarts),
          up,
          u ? formatPercent(u.cpuPercent) : "-",
          u ? formatBytes(u.memoryBytes) : "-",
          detail(r, now),
        ]);
      }
    }
    const [header, ...body] = table(rows, color).split("\n");
    lines.push("", header!);
    const titled = groups.size > 1 || !groups.has(null);
    for (const [project, records] of groups) {
      if (titled) lines.push(paint(project === null ? "(no project)" : `${project}  ${dim(records[0]!.spec.project?.dir ?? "", color)}`, 1, color));
      lines.push(...body.splice(0, records.length));
    }
  } else if (view.state === "running") {
    lines.push(project === null ? "no processes" : `no processes in project ${project} ("tend ps --all" shows every project)`);
  }
  return `${lines.join("\n")}\n`;
}

function groupByProject(records: readonly ProcessRecord[]): Map<string | null, ProcessRecord[]> {
  const groups = new Map<string | null, ProcessRecord[]>();
  const sorted = [...records].sort((a, b) => (a.spec.project?.name ?? "").localeCompare(b.spec.project?.name ?? "") || a.spec.name.localeCompare(b.spec.name));
  for (const r of sorted) {
    const key = r.spec.project?.name ?? null;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return groups;
}

/** The documented `status --json` shape (docs/json.md). */
export function statusJson(view: SupervisorView, usage: UsageByPid, now: number) {
  const supervisor =
    view.state === "stopped"
      ? { state: "stopped" as const, cleaned: view.cleaned, lost: view.lost }
      : { state: view.state, ...view.info, uptimeMs: now - view.info.startedAt, ...(view.state === "unresponsive" ? { error: view.error } : {}) };
  return {
    supervisor,
    processes: view.processes.map((r) => ({
      ...r.status,
      // The name within its project: `project` says which, and the two address it.
      name: splitName(r.spec.name).name,
      command: r.spec.command,
      cwd: r.spec.cwd ?? null,
      restartPolicy: r.spec.restart.mode,
      stopSignal: r.spec.stopSignal,
      graceMs: r.spec.graceMs,
      sandbox: r.spec.sandbox ? { ...r.spec.sandbox, description: describeSandbox(r.spec.sandbox) } : null,
      uptimeMs: r.status.pid !== null && r.status.startedAt !== null ? now - r.status.startedAt : null,
      usage: (r.status.pid !== null && usage.get(r.status.pid)) || null,
    })),
  };
}
