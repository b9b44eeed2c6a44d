import { closeSync, constants, copyFileSync, fstatSync, ftruncateSync, readSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { JOIN_LIMIT, parseCriLine, type StreamName } from "../core/cri";
import { TendError } from "../core/errors";
import { openForReading } from "./home-trust";

/**
 * One line as the process wrote it: `P` pieces joined with their final `F`, stamped with the
 * `F`'s time. A line longer than JOIN_LIMIT comes as several, all but the last `partial`.
 */
export interface LogLine {
  name: string;
  ts: string;
  timeNs: bigint;
  stream: StreamName;
  text: string;
  partial: boolean;
}

export interface LogFilter {
  /** The last N lines (per name); all when absent. */
  tail?: number;
  sinceNs?: bigint;
  stream?: StreamName;
}

const STREAMS: readonly StreamName[] = ["stdout", "stderr"];
const CHUNK = 256 * 1024;
// Enough for `<RFC3339Nano> stderr F:tags `; a longer header is not one we wrote.
const HEADER_MAX = 96;
const ROTATED = /^(.+)\.log(?:\.(\d+))?$/;

/**
 * Full names that have a log file (current or rotated) in `logsDir`: `name.log` for processes
 * of no project, `project/name.log` one folder down (only real folders, never a link).
 */
export function namesWithLogs(logsDir: string): string[] {
  const names = new Set<string>();
  const collect = (dir: string, prefix: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const m = e.isFile() ? ROTATED.exec(e.name) : null;
      if (m) names.add(`${prefix}${m[1]!}`);
      else if (e.isDirectory() && prefix === "") collect(path.join(dir, e.name), `${e.name}/`);
    }
  };
  collect(logsDir, "");
  return [...names].sort();
}

/** `<name>.log` and its rotated files, oldest first (`.log.3`, `.log.2`, `.log.1`, `.log`). */
export function logFilesOf(logsDir: string, name: string): string[] {
  const dir = path.join(logsDir, path.dirname(name));
  const base = path.basename(name);
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const found: Array<{ file: string; age: number }> = [];
  for (const f of files) {
    const m = ROTATED.exec(f);
    if (m && m[1] === base) found.push({ file: path.join(dir, f), age: m[2] === undefined ? 0 : Number(m[2]) });
  }
  return found.sort((a, b) => b.age - a.age).map((f) => f.file);
}

/**
 * Shifts `<file>` to `<file>.1`, `.1` to `.2` and so on, keeping `maxFiles` files counting the
 * current one (which is then gone). Only the files that exist are touched, found with one read
 * of the folder: the cost follows what is on disk, never the setting.
 */
export function rotateLogFiles(file: string, maxFiles: number): void {
  if (shiftRotated(file, maxFiles)) renameSync(file, `${file}.1`);
  else rmSync(file, { force: true });
}

/**
 * The same for a file that must stay where it is, because processes hold it open for appending
 * (a detached supervisor's own output): its content is copied to `<file>.1`, then it is emptied.
 */
export function rotateLogFileInPlace(file: string, fd: number, maxFiles: number): void {
  // Exclusive: `.1` was just moved away, and a file planted there since is never written through.
  if (shiftRotated(file, maxFiles)) copyFileSync(file, `${file}.1`, constants.COPYFILE_EXCL);
  ftruncateSync(fd, 0);
}

/** Makes room for `<file>.1`, dropping what is past `maxFiles`; false when nothing is kept beside the current file. */
function shiftRotated(file: string, maxFiles: number): boolean {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const keep = Math.max(0, maxFiles - 1);
  const rotated: number[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`${base}.`)) continue;
    const n = f.slice(base.length + 1);
    if (/^[1-9]\d*$/.test(n)) rotated.push(Number(n));
  }
  rotated.sort((a, b) => b - a);
  for (const n of rotated) {
    const from = `${file}.${n}`;
    if (n >= keep) rmSync(from, { force: true });
    else renameSync(from, `${file}.${n + 1}`);
  }
  return keep >= 1;
}

interface OpenLog {
  fd: number;
  size: number;
  /** Offset of this file's first byte in the concatenation of all files. */
  base: number;
}

interface Header {
  ts: string;
  timeNs: bigint;
  stream: StreamName;
  partial: boolean;
  /** Where the text starts, from the start of the line. */
  textOffset: number;
}

interface RawRecord extends Header {
  pos: number;
  line: Buffer;
}

/** The CRI header of a line (or of its first HEADER_MAX bytes, when `lineLength` says it is longer). */
function parseHeader(bytes: Buffer, lineLength: number): Header | null {
  const s1 = bytes.indexOf(32);
  const s2 = s1 <= 0 ? -1 : bytes.indexOf(32, s1 + 1);
  if (s2 === -1) return null;
  const s3 = bytes.indexOf(32, s2 + 1);
  if (s3 === -1 && bytes.length < lineLength) return null;
  const end = s3 === -1 ? bytes.length : s3;
  const rec = parseCriLine(bytes.toString("latin1", 0, end));
  if (!rec) return null;
  return { ts: rec.ts, timeNs: rec.timeNs, stream: rec.stream, partial: rec.partial, textOffset: s3 === -1 ? lineLength : s3 + 1 };
}

/** Every record from global position `from` to the end, in order. `line` is only valid until the next one. */
function* forward(files: OpenLog[], from: number): Generator<RawRecord> {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (const f of files) {
    if (f.base + f.size <= from) continue;
    let off = Math.max(0, from - f.base);
    let carry: Buffer | null = null;
    let carryPos = 0;
    while (off < f.size) {
      const n = readSync(f.fd, buf, 0, Math.min(CHUNK, f.size - off), off);
      if (n <= 0) break;
      let data = buf.subarray(0, n);
      let dataPos = f.base + off;
      if (carry) {
        data = Buffer.concat([carry, data]);
        dataPos = carryPos;
        carry = null;
      }
      off += n;
      let start = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
        const line = data.subarray(start, nl);
        const h = parseHeader(line.subarray(0, HEADER_MAX), line.length);
        if (h) yield { ...h, pos: dataPos + start, line };
        start = nl + 1;
      }
      if (start < data.length) {
        carry = Buffer.from(data.subarray(start));
        carryPos = dataPos + start;
      }
    }
    // A last line without its newline: the writer was cut off mid-line.
    if (carry) {
      const h = parseHeader(carry.subarray(0, HEADER_MAX), carry.length);
      if (h) yield { ...h, pos: carryPos, line: carry };
    }
  }
}

interface Located extends Header {
  file: OpenLog;
  start: number;
  end: number;
}

/** Every line's header from the last to the first, reading the files from their ends. */
function* backward(files: OpenLog[]): Generator<Located> {
  const buf = Buffer.allocUnsafe(CHUNK);
  const head = Buffer.allocUnsafe(HEADER_MAX);
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i]!;
    let lo = f.size;
    let hi = f.size;
    let lineEnd = f.size;
    let scanFrom = f.size;
    const load = () => {
      hi = lo;
      lo = Math.max(0, hi - CHUNK);
      readSync(f.fd, buf, 0, hi - lo, lo);
    };
    const located = (start: number): Located | null => {
      const len = Math.min(HEADER_MAX, lineEnd - start);
      let bytes: Buffer;
      if (start >= lo && start + len <= hi) bytes = buf.subarray(start - lo, start - lo + len);
      else bytes = head.subarray(0, readSync(f.fd, head, 0, len, start));
      const h = parseHeader(bytes, lineEnd - start);
      return h && { ...h, file: f, start, end: lineEnd };
    };
    if (f.size === 0) continue;
    load();
    if (buf[hi - lo - 1] === 10) lineEnd = scanFrom = f.size - 1;
    for (;;) {
      const top = Math.min(scanFrom, hi);
      const nl = top > lo ? buf.lastIndexOf(10, top - 1 - lo) : -1;
      if (nl === -1 && lo > 0) {
        load();
        continue;
      }
      const start = nl === -1 ? 0 : lo + nl + 1;
      if (start < lineEnd) {
        const rec = located(start);
        if (rec) yield rec;
      }
      if (nl === -1) break;
      lineEnd = scanFrom = lo + nl;
    }
  }
}

/** A joined line, or a part of one; `bytes` are valid only until the next push for the stream. */
export interface Joined {
  bytes: Uint8Array;
  /** More of the same line follows. */
  partial: boolean;
}

function decode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/** Where `bytes` can be cut without splitting a UTF-8 character: before an unfinished last one. */
function utf8Cut(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return n - i < size ? i : n;
  }
  return n;
}

/**
 * Joins `P` pieces with their final `F`, per stream, up to JOIN_LIMIT bytes: past that, what is
 * joined is handed on as a partial line (cut between characters) and joining starts afresh.
 * Pieces are copied into one buffer per stream and line: callers may reuse theirs.
 */
export class PieceJoiner {
  /** Per stream: the bytes joined so far, and where the part last handed on ends (0: none). */
  private readonly pending = new Map<StreamName, { buf: Buffer; used: number; cut: number }>();

  /** The line, or a part of it past JOIN_LIMIT, once there is one; else null. */
  push(stream: StreamName, text: Uint8Array, partial: boolean): Joined | null {
    let p = this.pending.get(stream);
    if (!partial && !p) return { bytes: text, partial: false };
    if (!p) this.pending.set(stream, (p = { buf: Buffer.allocUnsafe(0), used: 0, cut: 0 }));
    if (p.cut > 0) {
      // The part handed on last time is gone from the buffer now.
      p.buf.copyWithin(0, p.cut, p.used);
      p.used -= p.cut;
      p.cut = 0;
    }
    if (p.used + text.length > p.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(p.used + text.length, Math.min(2 * p.buf.length, JOIN_LIMIT + text.length), 4096));
      p.buf.copy(grown, 0, 0, p.used);
      p.buf = grown;
    }
    p.buf.set(text, p.used);
    p.used += text.length;
    if (!partial) {
      this.pending.delete(stream);
      return { bytes: p.buf.subarray(0, p.used), partial: false };
    }
    if (p.used < JOIN_LIMIT) return null;
    p.cut = utf8Cut(p.buf.subarray(0, p.used));
    return { bytes: p.buf.subarray(0, p.cut), partial: true };
  }

  /** Pieces of unfinished lines, which nothing more will complete. */
  takeUnfinished(): Array<{ stream: StreamName; text: string }> {
    const out = [...this.pending].filter(([, p]) => p.used > p.cut).map(([stream, p]) => ({ stream, text: p.buf.toString("utf8", p.cut, p.used) }));
    this.pending.clear();
    return out;
  }
}

interface Plan {
  /** Per stream, the position of its first record to show. */
  firstShown: Record<StreamName, number>;
  /** Pieces, at the end of the files, of lines not finished yet; in file order. */
  unfinished: Located[];
}

/**
 * Decides what to show by reading back from the end: the last `tail` lines at or after
 * `sinceNs` — with the earlier pieces of the oldest one — and the trailing pieces of lines still
 * being written. A 30 MB log asked for 10 lines costs a few block reads.
 */
function plan(files: OpenLog[], filter: LogFilter, streams: readonly StreamName[]): Plan {
  const total = files.reduce((n, f) => n + f.size, 0);
  const unlimited = filter.tail === undefined && filter.sinceNs === undefined;
  const firstShown = { stdout: unlimited ? 0 : total, stderr: unlimited ? 0 : total };
  // "trail": no F seen yet (pieces are of an unfinished line); "open": inside a shown line.
  const state: Record<StreamName, "trail" | "open" | "closed"> = { stdout: "trail", stderr: "trail" };
  const unfinished: Located[] = [];
  let done = unlimited || filter.tail === 0;
  let count = 0;
  // A stream not seen by then is taken to have no unfinished line: finding one would mean
  // reading the whole log back for the sake of a child that went quiet mid-line.
  const settled = () =>
    done && streams.every((s) => state[s] === "closed" || (state[s] === "trail" && !unfinished.some((u) => u.stream === s)));
  for (const rec of backward(files)) {
    const s = rec.stream;
    if (!streams.includes(s)) continue;
    const pos = rec.file.base + rec.start;
    if (rec.partial) {
      if (state[s] === "trail") unfinished.unshift(rec);
      else if (state[s] === "open") firstShown[s] = pos;
    } else if (!done && (filter.sinceNs === undefined || rec.timeNs >= filter.sinceNs)) {
      count += 1;
      state[s] = "open";
      firstShown[s] = pos;
      if (filter.tail !== undefined && count >= filter.tail) done = true;
    } else {
      done = true;
      state[s] = "closed";
    }
    if (settled()) break;
  }
  return { firstShown, unfinished };
}

function openLogs(files: string[]): OpenLog[] {
  const out: OpenLog[] = [];
  let base = 0;
  for (const file of files) {
    let fd: number;
    try {
      fd = openForReading(file);
    } catch (error) {
      if (error instanceof TendError) {
        for (const f of out) closeSync(f.fd);
        throw error;
      }
      continue; // Rotated away between listing and opening.
    }
    const size = fstatSync(fd).size;
    out.push({ fd, size, base });
    base += size;
  }
  return out;
}

export interface HistoryOptions {
  /**
   * Leave the pieces of lines still being written out of the history and hand them over in
   * `unfinished`, so a live follower can complete them; otherwise they end the history as lines.
   */
  holdUnfinished?: boolean;
}

/**
 * The log of one name as it is at the moment of construction: the files are opened (and their
 * sizes taken) at once, so what is written later, rotated or removed does not change it. Lines
 * are then read lazily, a chunk at a time.
 */
export class LogHistory {
  /** Pieces of the lines still being written (with `holdUnfinished`, while short), per stream, oldest first. */
  readonly unfinished: Array<{ stream: StreamName; text: Uint8Array }>;
  private readonly files: OpenLog[];
  private readonly firstShown: Record<StreamName, number>;
  private readonly heldFrom: Record<StreamName, number>;
  private readonly streams: readonly StreamName[];
  private readonly joiner = new PieceJoiner();
  private records: Generator<RawRecord> | null;
  private lastTs = { ts: "", timeNs: 0n };
  private leftovers: LogLine[] = [];
  /** Streams whose unfinished line was too long to hold: its parts end the history as partial. */
  private readonly continues = new Set<StreamName>();

  constructor(
    logsDir: string,
    readonly name: string,
    filter: LogFilter = {},
    opts: HistoryOptions = {},
  ) {
    this.streams = filter.stream ? [filter.stream] : STREAMS;
    this.files = openLogs(logFilesOf(logsDir, name));
    const p = plan(this.files, filter, this.streams);
    this.firstShown = p.firstShown;
    const end = this.files.reduce((n, f) => n + f.size, 0);
    this.heldFrom = { stdout: end, stderr: end };
    this.unfinished = [];
    const held = (stream: StreamName) => p.unfinished.filter((u) => u.stream === stream).reduce((n, u) => n + u.end - u.start - u.textOffset, 0);
    for (const u of p.unfinished) {
      // Held in memory only while it is short; a longer one stays in the history, in parts.
      if (opts.holdUnfinished && held(u.stream) < JOIN_LIMIT) {
        this.heldFrom[u.stream] = Math.min(this.heldFrom[u.stream], u.file.base + u.start);
        const text = Buffer.allocUnsafe(u.end - u.start - u.textOffset);
        readSync(u.file.fd, text, 0, text.length, u.start + u.textOffset);
        this.unfinished.push({ stream: u.stream, text });
      } else {
        if (opts.holdUnfinished) this.continues.add(u.stream);
        this.firstShown[u.stream] = Math.min(this.firstShown[u.stream], u.file.base + u.start);
      }
    }
    const from = Math.min(...this.streams.map((s) => this.firstShown[s]));
    this.records = forward(this.files, from);
  }

  /** The next line, or null at the end (the files are closed then). */
  next(): LogLine | null {
    while (this.records) {
      const step = this.records.next();
      if (step.done) {
        this.close();
        this.leftovers = this.joiner.takeUnfinished().map((u) => ({ name: this.name, ...this.lastTs, ...u, partial: this.continues.has(u.stream) }));
        break;
      }
      const rec = step.value;
      const s = rec.stream;
      if (!this.streams.includes(s) || rec.pos < this.firstShown[s] || rec.pos >= this.heldFrom[s]) continue;
      this.lastTs = { ts: rec.ts, timeNs: rec.timeNs };
      const joined = this.joiner.push(s, rec.line.subarray(rec.textOffset), rec.partial);
      if (joined !== null) return { name: this.name, ts: rec.ts, timeNs: rec.timeNs, stream: s, text: decode(joined.bytes), partial: joined.partial };
    }
    return this.leftovers.shift() ?? null;
  }

  close(): void {
    if (!this.records) return;
    this.records = null;
    for (const f of this.files) closeSync(f.fd);
  }
}

/** Several names' histories interleaved by time (a name's own lines keep their order). */
export class MergedHistory {
  private readonly heads: Array<LogLine | null>;

  constructor(private readonly sources: LogHistory[]) {
    this.heads = sources.map((s) => s.next());
  }

  next(): LogLine | null {
    let best = -1;
    for (let i = 0; i < this.heads.length; i++) {
      const h = this.heads[i];
      if (h && (best === -1 || h.timeNs < this.heads[best]!.timeNs)) best = i;
    }
    if (best === -1) return null;
    const line = this.heads[best]!;
    this.heads[best] = this.sources[best]!.next();
    return line;
  }

  close(): void {
    for (const s of this.sources) s.close();
  }
}
