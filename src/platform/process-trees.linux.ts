import { readdirSync, readFileSync, statSync } from "node:fs";
import type { TreeMember } from "../core/usage";
import { environValue } from "./marker-scan";
import { MARKER_ENV } from "./process-marker";
import { procStatFields } from "./proc-stat.linux";

// Positions in procStatFields (after ")"): state, ppid, pgrp, …, utime, stime, …, starttime.
const PPID = 1;
const PGRP = 2;
const UTIME = 11;
const STIME = 12;
const STARTTIME = 19;
const RSS_PAGES = 21;
/** /proc reports CPU times in USER_HZ ticks, which Linux fixes at 100 for user space. */
const TICKS_PER_SECOND = 100;

interface Entry {
  pid: number;
  ppid: number;
  pgrp: number;
  member: TreeMember;
}

export interface TreeRoot {
  pid: number;
  /** Its TEND_PROCESS_ID: finds descendants that left its group and were re-parented. */
  marker: string | null;
}

function table(): Map<number, Entry> {
  const entries = new Map<number, Entry>();
  for (const name of readdirSync("/proc")) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const pid = Number(name);
    const f = procStatFields(pid);
    // Gone since the listing, or a zombie: it holds no memory and runs no more.
    if (!f || f[0] === "Z") continue;
    const cpuMs = ((Number(f[UTIME]) + Number(f[STIME])) * 1000) / TICKS_PER_SECOND;
    const startedMs = (Number(f[STARTTIME]) * 1000) / TICKS_PER_SECOND;
    const memoryBytes = Number(f[RSS_PAGES]) * pageSize();
    entries.set(pid, { pid, ppid: Number(f[PPID]), pgrp: Number(f[PGRP]), member: { pid, startedMs, cpuMs, memoryBytes } });
  }
  return entries;
}

function markerOf(pid: number, uid: number | undefined): string | null {
  try {
    if (statSync(`/proc/${pid}`).uid !== uid) return null;
    return environValue(readFileSync(`/proc/${pid}/environ`), MARKER_ENV);
  } catch {
    // Gone, or not ours to read.
  }
  return null;
}

let pageBytes: number | undefined;

/** The page size the kernel counts resident memory in: AT_PAGESZ of our own auxiliary vector. */
function pageSize(): number {
  if (pageBytes !== undefined) return pageBytes;
  pageBytes = 4096;
  try {
    const auxv = readFileSync("/proc/self/auxv");
    const AT_PAGESZ = 6n;
    for (let at = 0; at + 16 <= auxv.length; at += 16) {
      if (auxv.readBigUInt64LE(at) === AT_PAGESZ) pageBytes = Number(auxv.readBigUInt64LE(at + 8));
    }
  } catch {
    // 4 KiB, the size on all but a few arm64 kernels.
  }
  return pageBytes;
}

/** Seconds since boot: the clock `startedMs` of a member counts on. */
export function uptimeMs(): number {
  try {
    return Number(readFileSync("/proc/uptime", "latin1").split(" ")[0]) * 1000;
  } catch {
    return 0;
  }
}

/**
 * The live members of each root's tree, from one pass over /proc: its process group, every
 * descendant of a member, and processes that left the group and were re-parented (to the
 * supervisor, a subreaper, or to init) but still carry the root's marker. Only those orphans'
 * environments are read, so the cost stays one stat read per process on the machine.
 */
export function processTrees(roots: TreeRoot[], reparentedTo: number[]): Map<number, TreeMember[]> {
  const entries = table();
  const children = new Map<number, number[]>();
  const groups = new Map<number, number[]>();
  for (const e of entries.values()) {
    (children.get(e.ppid) ?? children.set(e.ppid, []).get(e.ppid)!).push(e.pid);
    (groups.get(e.pgrp) ?? groups.set(e.pgrp, []).get(e.pgrp)!).push(e.pid);
  }
  const rootPids = new Set(roots.map((r) => r.pid));
  const byMarker = new Map<string, number[]>();
  const wanted = new Set(roots.flatMap((r) => (r.marker ? [r.marker] : [])));
  const uid = process.getuid?.();
  for (const parent of reparentedTo) {
    for (const pid of children.get(parent) ?? []) {
      if (rootPids.has(pid) || rootPids.has(entries.get(pid)!.pgrp)) continue;
      const marker = markerOf(pid, uid);
      if (marker && wanted.has(marker)) (byMarker.get(marker) ?? byMarker.set(marker, []).get(marker)!).push(pid);
    }
  }
  const trees = new Map<number, TreeMember[]>();
  for (const root of roots) {
    if (!entries.has(root.pid)) continue;
    const seen = new Set<number>();
    const queue = [root.pid, ...(groups.get(root.pid) ?? []), ...(root.marker ? (byMarker.get(root.marker) ?? []) : [])];
    while (queue.length > 0) {
      const pid = queue.pop()!;
      if (seen.has(pid) || !entries.has(pid)) continue;
      seen.add(pid);
      queue.push(...(children.get(pid) ?? []));
    }
    trees.set(root.pid, [...seen].map((pid) => entries.get(pid)!.member));
  }
  return trees;
}
