import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type { LogSettings } from "../core/process-spec";

const NEWLINE = 0x0a;
const INITIAL_BUFFER = 256 * 1024;

/**
 * Appends pre-formatted CRI lines to `<name>.log`, rotating by size at line boundaries.
 * Lines are gathered in one buffer and written with a single write per `flush()`, which the
 * pipeline calls after each chunk it read: a chatty child costs one syscall per pipe read,
 * a quiet one still has every line on disk as soon as it was read.
 */
export class LogWriter {
  private fd: number;
  private size: number;
  private buf = new Uint8Array(INITIAL_BUFFER);
  private used = 0;

  constructor(
    private readonly path: string,
    private readonly settings: LogSettings,
  ) {
    this.fd = openSync(path, "a", 0o600);
    this.size = fstatSync(this.fd).size;
  }

  append(prefix: Uint8Array, text: Uint8Array): void {
    const n = prefix.length + text.length + 1;
    if (this.size + this.used + n > this.settings.maxBytes && this.size + this.used > 0) this.rotate();
    this.reserve(n);
    this.buf.set(prefix, this.used);
    this.buf.set(text, this.used + prefix.length);
    this.buf[this.used + n - 1] = NEWLINE;
    this.used += n;
  }

  flush(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.size += this.used;
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private reserve(n: number): void {
    if (this.used + n <= this.buf.length) return;
    if (this.used > 0) this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  private rotate(): void {
    this.flush();
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
