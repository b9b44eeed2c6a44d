import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { runId } from "./cleanup";

export type Medium = "disk" | "tmpfs";

function fsTypeOf(dir: string): string {
  let best = { mount: "", type: "unknown" };
  for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
    const [, mount, type] = line.split(" ");
    if (!mount || !type) continue;
    const within = dir === mount || dir.startsWith(mount.endsWith("/") ? mount : `${mount}/`);
    if (within && mount.length >= best.mount.length) best = { mount, type };
  }
  return best.type;
}

// Short roots: unix socket paths (supervisord's, pm2's) must stay under ~100 bytes.
function diskRoot(): string {
  return `/var/tmp/tb-${runId}`;
}

function tmpfsRoot(): string | null {
  return existsSync("/dev/shm") && fsTypeOf("/dev/shm") === "tmpfs" ? `/dev/shm/tb-${runId}` : null;
}

let serial = 0;
const roots = new Set<string>();

/** A fresh, empty folder for one tool instance, on the ordinary disk or on tmpfs. */
export function scratchDir(label: string, medium: Medium = "disk"): string {
  const root = medium === "tmpfs" ? (tmpfsRoot() ?? diskRoot()) : diskRoot();
  roots.add(root);
  const dir = path.join(root, `${label}-${++serial}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function hasTmpfs(): boolean {
  return tmpfsRoot() !== null;
}

export function mediumDescription(medium: Medium): string {
  const root = medium === "tmpfs" ? (tmpfsRoot() ?? diskRoot()) : diskRoot();
  const dir = path.dirname(root);
  return `${dir} (${fsTypeOf(dir)})`;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function removeAllScratch(): void {
  for (const root of roots) removeDir(root);
  roots.clear();
}
