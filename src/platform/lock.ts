import { closeSync, fstatSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { openForReading } from "./home-trust";
import { randomHex } from "./ids";
import { isSameProcess, processStartTime } from "./proc-identity";

const RETRY_MS = 20;
const JITTER_MS = 8;
// The holder writes its identity right after creating the file; a file still
// without one after this long was left by a process that died in between.
const UNWRITTEN_GRACE_MS = 2000;
// Breaking takes microseconds; a break guard this old belongs to a breaker that died.
const GUARD_STALE_MS = 5000;

interface Held {
  ino: number;
  content: string;
}

interface Holder {
  ino: number;
  mtimeMs: number;
  content: string;
  pid?: number;
  startTime?: string;
}

export async function withLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = 10000): Promise<T> {
  const held = await acquire(lockPath, timeoutMs);
  try {
    return await fn();
  } finally {
    removeIfUnchanged(lockPath, held);
  }
}

async function acquire(lockPath: string, timeoutMs: number): Promise<Held> {
  const deadline = Date.now() + timeoutMs;
  const content = `${process.pid} ${processStartTime(process.pid) ?? "unknown"}\n`;
  for (;;) {
    const held = tryCreate(lockPath, content);
    if (held) return held;
    const holder = readHolder(lockPath);
    if (holder === undefined) continue;
    if (isStale(holder) && breakStale(lockPath, holder, content)) continue;
    if (Date.now() >= deadline) {
      const who = holder.pid === undefined ? "a holder that has not written its pid yet" : `pid ${holder.pid}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for lock ${lockPath}, held by ${who}`);
    }
    await Bun.sleep(RETRY_MS + (Math.random() * 2 - 1) * JITTER_MS);
  }
}

function tryCreate(file: string, content: string): Held | undefined {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  }
  try {
    writeSync(fd, content);
    return { ino: fstatSync(fd).ino, content };
  } catch (error) {
    unlinkQuietly(file);
    throw error;
  } finally {
    closeSync(fd);
  }
}

function readHolder(file: string): Holder | undefined {
  let fd: number;
  try {
    fd = openForReading(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const { ino, mtimeMs } = fstatSync(fd);
    const content = readFileSync(fd, "utf8");
    // "<pid> <start time>"; a macOS start time holds spaces itself.
    const match = /^(\d+) (.+)\n$/.exec(content);
    if (!match) return { ino, mtimeMs, content };
    return { ino, mtimeMs, content, pid: Number(match[1]), startTime: match[2] };
  } finally {
    closeSync(fd);
  }
}

function isStale(holder: Holder): boolean {
  if (holder.pid === undefined || holder.startTime === undefined) {
    return Date.now() - holder.mtimeMs > UNWRITTEN_GRACE_MS;
  }
  return !isSameProcess(holder.pid, holder.startTime);
}

// Two waiters may both judge the same file stale; if both simply removed it, the
// slower one could remove the lock the faster one had meanwhile taken. So a
// breaker first takes a guard, then checks again that the file is the stale one.
function breakStale(lockPath: string, stale: Holder, content: string): boolean {
  const guardPath = `${lockPath}.break`;
  const guard = tryCreate(guardPath, content);
  if (!guard) {
    const other = readHolder(guardPath);
    if (other && Date.now() - other.mtimeMs > GUARD_STALE_MS) removeIfSame(guardPath, other);
    return false;
  }
  try {
    const now = readHolder(lockPath);
    if (now && now.ino === stale.ino && now.content === stale.content && isStale(now)) removeIfSame(lockPath, now);
  } finally {
    removeIfUnchanged(guardPath, guard);
  }
  return true;
}

// Rename-then-check: what we moved aside is removed only if it is what we judged,
// otherwise it goes back (without overwriting anything created since).
function removeIfSame(file: string, expected: Holder): void {
  const aside = `${file}.stale-${process.pid}-${randomHex(4)}`;
  try {
    renameSync(file, aside);
  } catch {
    return;
  }
  const moved = readHolder(aside);
  if (moved && (moved.ino !== expected.ino || moved.content !== expected.content)) {
    try {
      linkSync(aside, file);
    } catch {}
  }
  unlinkQuietly(aside);
}

function removeIfUnchanged(file: string, held: Held): void {
  const now = readHolder(file);
  if (now && now.ino === held.ino && now.content === held.content) unlinkQuietly(file);
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {}
}
