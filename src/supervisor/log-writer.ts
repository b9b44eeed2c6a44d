import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type { LogSettings } from "../core/process-spec";

const NEWLINE = 0x0a;

/**
 * One buffer for every log file: lines are gathered and flushed within the handling of one
 * chunk, which never interleaves with another's, so a buffer per process (100 processes ×
 * 256 KiB) would only cost memory. Whoever appends while another writer holds unflushed
 * bytes flushes those first.
 */
let shared = Buffer.allocUnsafe(256 * 1024);
// Buffer's copy works on any Uint8Array and copies a range without making a view of it.
const copy = Buffer.prototype.copy;
let used = 0;
let owner: LogWriter | null = null;

/**
 * Appends pre-formatted CRI lines to `<name>.log`, rotating by size at line boundaries.
 * Lines are gathered and written with a single write per flush, which comes when the shared
 * buffer fills, when another file's lines come, or at the end of the event-loop turn: a quiet
 * child still has every line on disk a moment after it was read.
 */
let flushScheduled = false;

export class LogWriter {
  /** Writes whatever is gathered now, for a reader about to open the files. */
  static flushPending(): void {
    owner?.flush();
  }

  /**
   * Flushes once the current burst of reads has been handled: a chatty child costs one write
   * per 256 KiB (or per event-loop turn), not one per pipe read.
   */
  static scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      owner?.flush();
    });
  }

  private fd: number;
  private size: number;
  private closed = false;
  /** Why the last write failed (a full disk, say); lines are dropped rather than the pipe left unread. */
  lastError: string | null = null;

  constructor(
    private readonly path: string,
    private readonly settings: LogSettings,
  ) {
    this.fd = openSync(path, "a", 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Appends `prefix`, `buf[start..end)` and a newline. */
  append(prefix: Uint8Array, buf: Uint8Array, start: number, end: number): void {
    if (this.closed) return;
    if (owner !== this) {
      owner?.flush();
      owner = this;
    }
    const n = prefix.length + (end - start) + 1;
    if (this.size + used + n > this.settings.maxBytes && this.size + used > 0) this.rotate();
    this.reserve(n);
    used += copy.call(prefix, shared, used);
    used += copy.call(buf, shared, used, start, end);
    shared[used++] = NEWLINE;
  }

  flush(): void {
    if (owner !== this) return;
    try {
      let off = 0;
      while (off < used) off += writeSync(this.fd, shared, off, used - off);
      this.size += used;
    } catch (error) {
      this.lastError = (error as Error).message;
    } finally {
      used = 0;
      owner = null;
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }

  private reserve(n: number): void {
    if (used + n <= shared.length) return;
    if (used > 0) {
      this.flush();
      owner = this;
    }
    if (n > shared.length) shared = Buffer.allocUnsafe(n);
  }

  private rotate(): void {
    this.flush();
    owner = this;
    try {
      this.rotateFiles();
    } catch (error) {
      this.lastError = (error as Error).message;
      try {
        this.fd = openSync(this.path, "a", 0o600);
      } catch {
        // Writes fail and are counted in lastError until the file can be opened again.
      }
    }
  }

  private rotateFiles(): void {
    closeSync(this.fd);
    const keep = Math.max(0, this.settings.maxFiles - 1);
    rmSync(`${this.path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    if (keep >= 1) renameSync(this.path, `${this.path}.1`);
    else rmSync(this.path, { force: true });
    this.fd = openSync(this.path, "a", 0o600);
    this.size = 0;
  }
}
