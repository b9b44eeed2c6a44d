import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type { LogSettings } from "../core/process-spec";

const NEWLINE = 0x0a;

/**
 * One buffer for every log file: lines are gathered and flushed within the handling of one
 * chunk, which never interleaves with another's, so a buffer per process (100 processes ×
 * 256 KiB) would only cost memory. Whoever appends while another writer holds unflushed
 * bytes flushes those first.
 */
let shared = new Uint8Array(256 * 1024);
let used = 0;
let owner: LogWriter | null = null;

/**
 * Appends pre-formatted CRI lines to `<name>.log`, rotating by size at line boundaries.
 * Lines are gathered and written with a single write per `flush()`, which the pipeline calls
 * after each chunk it read: a chatty child costs one syscall per pipe read, a quiet one still
 * has every line on disk as soon as it was read.
 */
export class LogWriter {
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

  append(prefix: Uint8Array, text: Uint8Array): void {
    if (this.closed) return;
    if (owner !== this) {
      owner?.flush();
      owner = this;
    }
    const n = prefix.length + text.length + 1;
    if (this.size + used + n > this.settings.maxBytes && this.size + used > 0) this.rotate();
    this.reserve(n);
    shared.set(prefix, used);
    shared.set(text, used + prefix.length);
    shared[used + n - 1] = NEWLINE;
    used += n;
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
    if (n > shared.length) shared = new Uint8Array(n);
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
