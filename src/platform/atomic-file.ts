import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { openForReading } from "./home-trust";
import { randomHex } from "./ids";
import { isLiveProcess } from "./live-processes";

export type JsonRead<T> =
  | { kind: "ok"; value: T }
  | { kind: "missing" }
  | { kind: "corrupt"; movedTo: string; error: string };

/**
 * Replaces `file` all at once: readers see the old content or the new, never a mix. With
 * `durable` (the default) the data is on disk before the rename, so a power loss leaves one of
 * the two; without it, a power loss may leave an empty or old file, which readers set aside.
 * The directory is not fsynced: surviving power loss is not worth a second sync.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600, durable = true): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomHex(6)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", mode);
    // The umask may have narrowed or the caller may want wider bits than open gave.
    fchmodSync(fd, mode);
    writeFileSync(fd, data);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    unlinkQuietly(tmp);
    throw error;
  }
}

/** `.<name>.<writer's pid>.<random>.tmp`, as writeFileAtomic names its temp files. */
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temp files of atomic writes in `dir` that never finished, because their writer
 * died between writing and renaming; one whose writer still runs may be in use and stays.
 * Returns the names removed.
 */
export function removeAbandonedTemps(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_FILE.exec(name);
    if (!m || isLiveProcess(Number(m[1]))) continue;
    unlinkQuietly(path.join(dir, name));
    removed.push(name);
  }
  return removed;
}

/**
 * Reads a JSON object. One that does not parse — or that `check` finds is not what the file
 * should hold (a field of the wrong type) — is set aside and reported as corrupt.
 */
export function readJsonFile<T>(file: string, check: (value: object) => string | null = () => null): JsonRead<T> {
  let lastError = "";
  // A writer or another reader may swap the file between our read and our rename; look again then.
  for (let attempt = 0; attempt < 4; attempt++) {
    const read = readWithInode(file);
    if (read === undefined) return { kind: "missing" };
    const parsed = parseObject(read.text);
    const problem = parsed.ok ? check(parsed.value as object) : parsed.error;
    if (problem === null) return { kind: "ok", value: (parsed as { value: unknown }).value as T };
    lastError = problem;
    const moved = setAside(file, read.ino);
    if (typeof moved === "object") {
      return { kind: "corrupt", movedTo: moved.movedTo, error: moved.note ? `${problem} (${moved.note})` : problem };
    }
  }
  return { kind: "corrupt", movedTo: file, error: lastError };
}

function readWithInode(file: string): { text: string; ino: number } | undefined {
  let fd: number;
  try {
    fd = openForReading(file);
  } catch (error) {
    if (errno(error) === "ENOENT") return undefined;
    throw error;
  }
  try {
    return { ino: fstatSync(fd).ino, text: readFileSync(fd, "utf8") };
  } finally {
    closeSync(fd);
  }
}

function parseObject(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const what = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    return { ok: false, error: `expected a JSON object, found ${what}` };
  }
  return { ok: true, value };
}

type SetAside = { movedTo: string; note?: string } | "replaced" | "vanished";

function setAside(file: string, corruptIno: number): SetAside {
  const target = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  try {
    renameSync(file, target);
  } catch (error) {
    if (errno(error) === "ENOENT") return "vanished";
    // Still report it as corrupt: an unreadable state file must not crash the caller.
    return { movedTo: file, note: `could not be set aside: ${errno(error) ?? String(error)}` };
  }
  if (statSync(target).ino === corruptIno) return { movedTo: target };
  // We moved a fresh good file written after our read; put it back unless a newer one exists.
  try {
    linkSync(target, file);
  } catch {
    // A newer file is already in place, so the one we moved is obsolete.
  }
  unlinkQuietly(target);
  return "replaced";
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {}
}
