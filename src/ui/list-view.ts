import { detail } from "../cli/status-view";
import { STATE_COLOR } from "../cli/colors";
import { formatDuration } from "../core/duration";
import type { ProcessRecord } from "../core/process-status";
import { formatBytes, formatPercent, type ProcessUsage } from "../core/usage";
import { keyOf, type Group, shownName } from "./model";
import { bold, cell, dimmed, fg, fit, inverse, type Style } from "./text";

export type ListEntry = { kind: "group"; project: string | null; count: number } | { kind: "process"; key: string; record: ProcessRecord };

/** The list's lines: a heading per project when there are projects, then its processes. */
export function listEntries(groups: Group[]): ListEntry[] {
  const headed = groups.some((g) => g.project !== null);
  return groups.flatMap((g) => [
    ...(headed ? [{ kind: "group" as const, project: g.project, count: g.records.length }] : []),
    ...g.records.map((record) => ({ kind: "process" as const, key: keyOf(record), record })),
  ]);
}

/** Whether the process passed its readiness probe: `-` without one. */
export function readiness(r: ProcessRecord): string {
  if (!r.spec.ready) return "-";
  if (r.status.readyAt !== null) return "yes";
  if (r.status.notReady) return "failed";
  return r.status.pid !== null ? "wait" : "-";
}

/** Whole seconds: the list is redrawn once a second, not ten times. */
export function uptime(r: ProcessRecord, now: number): string {
  const { pid, startedAt } = r.status;
  return pid !== null && startedAt !== null ? formatDuration(Math.floor((now - startedAt) / 1000) * 1000) : "-";
}

interface Column {
  title: string;
  width: number;
  value(r: ProcessRecord, u: ProcessUsage | undefined, now: number): string;
  color?(r: ProcessRecord): number | null;
}

const FIXED: Column[] = [
  { title: "STATE", width: 8, value: (r) => r.status.state, color: (r) => STATE_COLOR[r.status.state] ?? null },
  { title: "PID", width: 7, value: (r) => (r.status.pid === null ? "-" : String(r.status.pid)) },
  { title: "RESTARTS", width: 8, value: (r) => String(r.status.restarts) },
  { title: "UPTIME", width: 7, value: (r, _u, now) => uptime(r, now) },
  { title: "READY", width: 6, value: readiness, color: (r) => (r.status.notReady ? 31 : null) },
  { title: "CPU", width: 6, value: (_r, u) => (u ? formatPercent(u.cpuPercent) : "-") },
  { title: "MEM", width: 6, value: (_r, u) => (u ? formatBytes(u.memoryBytes) : "-") },
];

export interface ListLayout {
  nameWidth: number;
  cols: number;
  /** Processes stand indented under their project's heading. */
  indent: boolean;
}

export function listLayout(entries: ListEntry[], cols: number): ListLayout {
  const indent = entries.some((e) => e.kind === "group");
  const longest = Math.max(4, ...entries.map((e) => (e.kind === "process" ? shownName(e.record).length : 0))) + (indent ? 2 : 0);
  return { nameWidth: Math.min(longest, Math.max(10, Math.floor(cols / 5))), cols, indent };
}

function whyWidth(l: ListLayout): number {
  return Math.max(0, l.cols - l.nameWidth - FIXED.reduce((sum, c) => sum + c.width + 1, 0) - 1);
}

export function listHeading(l: ListLayout, s: Style): string {
  const cells = [cell("NAME", l.nameWidth), ...FIXED.map((c) => cell(c.title, c.width)), cell("WHY", whyWidth(l))];
  return dimmed(fit(cells.join(" "), l.cols), s);
}

export function listRow(e: ListEntry, l: ListLayout, selected: boolean, usage: ReadonlyMap<number, ProcessUsage>, now: number, s: Style): string {
  if (e.kind === "group") {
    const title = `${e.project ?? "(no project)"}  ${dimmed(`${e.count} process${e.count === 1 ? "" : "es"}`, s)}`;
    return fit(bold(title), l.cols);
  }
  const r = e.record;
  const u = r.status.pid === null ? undefined : usage.get(r.status.pid);
  const cells = [
    cell((l.indent ? "  " : "") + shownName(r), l.nameWidth),
    ...FIXED.map((c) => {
      const text = cell(c.value(r, u, now), c.width);
      const code = selected ? null : (c.color?.(r) ?? null);
      return code === null ? text : fg(text, code, s);
    }),
    cell(detail(r, now), whyWidth(l)),
  ];
  const row = fit(cells.join(" "), l.cols);
  return selected ? inverse(row) : row;
}
