import { closeSync, fstatSync, ftruncateSync, writeSync } from "node:fs";
import { criPrefix, formatTimestamp } from "../core/cri";
import { framed, type FrameTarget } from "../core/line-framer";
import type { LogSettings } from "../core/process-spec";
import { openForAppending } from "../platform/home-trust";
import { osErrorText } from "../platform/os-error";
import { rotateLogFiles } from "../platform/log-files";

const LF = 0x0a;
const encoder = new TextEncoder();

/** Whose records wait in `framed`: one log at a time, flushed before another's are framed. */
let owner: LogWriter | null = null;
let flushScheduled = false;

/**
 * The lines of one process that its log could not take, across its runs: each run has its own
 * writer, and a loss that a run could not report in its log is reported by the next.
 */
export class LogLoss {
  /** Lines (records) dropped since writing last succeeded, and why. */
  pending = 0;
  reason = "";
  /** Every line dropped since the process was added. */
  total = 0;

  /** Hears once when lines start being dropped, and once when the log takes lines again. */
  constructor(private readonly report: (loss: LogLoss, recovered: boolean) => void = () => {}) {}

  dropped(n: number, reason: string): void {
    if (n === 0) return;
    const first = this.pending === 0;
    this.pending += n;
    this.total += n;
    this.reason = reason;
    if (first) this.report(this, false);
  }

  /** The marker line went in: the loss is told, and counting starts afresh. */
  told(): void {
    this.report(this, true);
    this.pending = 0;
  }
}

function countRecords(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let at = bytes.indexOf(LF, from); at !== -1 && at < to; at = bytes.indexOf(LF, at + 1)) n++;
  return n;
}

/**
 * Appends framed CRI records to `<name>.log`, rotating by size at record boundaries. Records
 * are written with one write per flush, which comes when `framed` fills, when another log's
 * records come, or at the end of the event-loop turn: a quiet child still has every line on
 * disk a moment after it was read, and a chatty one costs one write per 256 KiB.
 *
 * A write that fails (a full disk) never leaves a torn record: what was written of a record is
 * cut back, the records that could not go are counted, and once writes succeed again one
 * marker line says how many were lost and why. The child's pipe is read on regardless.
 */
export class LogWriter implements FrameTarget {
  /** Writes whatever is gathered now, for a reader about to open the files. */
  static flushPending(): void {
    owner?.flush();
  }

  /** Flushes once the current burst of reads has been handled. */
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

  constructor(
    private readonly path: string,
    private readonly settings: LogSettings,
    private readonly loss: LogLoss = new LogLoss(),
  ) {
    this.fd = openForAppending(path);
    this.size = fstatSync(this.fd).size;
  }

  claim(): void {
    if (owner === this) return;
    owner?.flush();
    owner = this;
  }

  room(): number {
    return this.settings.maxBytes - this.size - this.pending();
  }

  empty(): boolean {
    return this.size + this.pending() === 0;
  }

  drain(): void {
    this.flush();
  }

  rotate(): void {
    this.flush();
    try {
      closeSync(this.fd);
      rotateLogFiles(this.path, this.settings.maxFiles);
      this.fd = openForAppending(this.path);
      this.size = 0;
    } catch {
      try {
        this.fd = openForAppending(this.path);
      } catch {
        // Writes fail, and lines are counted as lost, until the file can be opened again.
      }
      // Appending to the current file for another max_size before trying again beats retrying
      // on every record.
      this.size = 0;
    }
  }

  flush(): void {
    if (owner !== this) return;
    owner = null;
    const { start, end } = framed;
    framed.end = start;
    if (this.closed || end === start) return;
    if (this.loss.pending > 0 && !this.writeLossMarker()) {
      this.loss.dropped(countRecords(framed.bytes, start, end), this.loss.reason);
      return;
    }
    const failed = this.write(framed.bytes, start, end);
    if (failed) this.loss.dropped(countRecords(framed.bytes, failed.upTo, end), failed.error);
  }

  /** Writes what waits; a loss not yet told in the log gets a last try at its marker line. */
  close(): void {
    if (this.closed) return;
    this.flush();
    if (this.loss.pending > 0) this.writeLossMarker();
    this.closed = true;
    closeSync(this.fd);
  }

  private pending(): number {
    return owner === this ? framed.end - framed.start : 0;
  }

  /**
   * Writes bytes[start, end). On failure a record written in part is cut back, so the file
   * ends with a whole record; returns where the whole records written end, and the error.
   */
  private write(bytes: Uint8Array, start: number, end: number): { upTo: number; error: string } | null {
    let off = start;
    try {
      while (off < end) off += writeSync(this.fd, bytes, off, end - off);
      this.size += end - start;
      return null;
    } catch (error) {
      const upTo = off > start ? Math.max(start, bytes.lastIndexOf(LF, off - 1) + 1) : start;
      if (upTo < off) {
        try {
          ftruncateSync(this.fd, this.size + (upTo - start));
        } catch {
          // Nothing more can be done for this file; a reader skips a line without its newline.
        }
      }
      this.size += upTo - start;
      return { upTo, error: osErrorText(error) };
    }
  }

  /**
   * A line of tend's own, on the stderr stream, written at once: for a record of what happened
   * to the process between its lines. Call it only while none of this log's records wait in
   * `framed` (before its output is read), or it would pass them. A loss not yet told goes first.
   */
  note(text: string): void {
    if (this.closed) return;
    if (this.loss.pending > 0 && !this.writeLossMarker()) {
      this.loss.dropped(1, this.loss.reason);
      return;
    }
    const failed = this.writeLine(text);
    if (failed) this.loss.dropped(1, failed.error);
  }

  private writeLine(text: string): { upTo: number; error: string } | null {
    const ts = formatTimestamp(BigInt(Date.now()) * 1_000_000n);
    const line = encoder.encode(`${criPrefix(ts, "stderr", false)}${text}\n`);
    return this.write(line, 0, line.length);
  }

  /** One line in the log for the lines that never reached it; false if it could not go in either. */
  private writeLossMarker(): boolean {
    const failed = this.writeLine(`[tend: ${this.loss.pending.toLocaleString("en-US")} lines lost: ${this.loss.reason}]`);
    if (failed) {
      this.loss.reason = failed.error;
      return false;
    }
    this.loss.told();
    return true;
  }
}
