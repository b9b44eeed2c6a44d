import type { StreamName } from "../core/cri";
import type { NoticeLevel } from "../core/notice";
import { colorEnabled, dim, paint } from "./colors";
import { NamePrefix } from "./name-prefix";

const encoder = new TextEncoder();
const LF = 0x0a;
const NEWLINE = new Uint8Array([LF]);
const CR = 0x0d;

/** How long a line without its newline (a prompt, `echo -n`) waits before it is shown as it is. */
export const PARTIAL_AFTER_MS = 300;
/** A line longer than this without a newline is shown in pieces rather than held in memory. */
const MAX_HELD = 4 * 1024 * 1024;

/** `12:00:01.123`, local time, for `start -t`. */
function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/**
 * What a terminal shows of a line that redraws itself with `\r` (a progress bar): its last
 * state, so the prefix in front of it is never overwritten. A `\r` right before the newline
 * (CRLF) is no redraw.
 */
function lastState(line: Uint8Array): Uint8Array {
  const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
  const body = line.subarray(0, end);
  const cr = body.lastIndexOf(CR);
  return cr === -1 ? body : body.subarray(cr + 1);
}

interface Pending {
  pieces: Uint8Array[];
  length: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Foreground output of `tend start`: each process line as `name | line`, names padded and
 * coloured (the same prefix as `tend logs`), and supervisor notices as `name * message` so
 * they never pass for process output. It reads the processes' output as it comes: lines of
 * different processes never mix, a line without its newline yet is shown after a short pause,
 * and a `\r` progress line shows its last state. Output is written once per event-loop turn.
 */
export class LinePrinter {
  private readonly color: boolean;
  private readonly prefix: NamePrefix;
  private readonly pending = new Map<string, Pending>();
  private readonly encodedPrefixes = new Map<string, Uint8Array>();
  private parts: Uint8Array[] = [];
  private scheduled = false;
  private muted = false;

  constructor(
    names: string[],
    private readonly options: { timestamps?: boolean; out?: NodeJS.WriteStream } = {},
  ) {
    this.color = colorEnabled(this.out);
    this.prefix = new NamePrefix(names, this.color);
  }

  private get out(): NodeJS.WriteStream {
    return this.options.out ?? process.stdout;
  }

  /** Output of a process as it came from it. */
  chunk(name: string, stream: StreamName, bytes: Uint8Array): void {
    const key = `${name}\0${stream}`;
    let start = 0;
    let nl = bytes.indexOf(LF);
    const held = this.pending.get(key);
    if (held && nl !== -1) {
      // The held start of a line meets its end: one line, never mixed with another process's.
      if (held.timer) clearTimeout(held.timer);
      this.pending.delete(key);
      this.emit(name, Buffer.concat([...held.pieces, bytes.subarray(0, nl)]));
      start = nl + 1;
      nl = bytes.indexOf(LF, start);
    }
    for (; nl !== -1; nl = bytes.indexOf(LF, start)) {
      this.emit(name, bytes.subarray(start, nl));
      start = nl + 1;
    }
    if (start < bytes.length) this.hold(key, name, bytes.subarray(start));
    this.schedule();
  }

  /** Keeps the start of a line until its newline comes, or a pause says it is all there is for now. */
  private hold(key: string, name: string, rest: Uint8Array): void {
    let entry = this.pending.get(key);
    if (!entry) this.pending.set(key, (entry = { pieces: [], length: 0, timer: null }));
    // The producer may reuse its buffer once we return.
    entry.pieces.push(rest.slice());
    entry.length += rest.length;
    if (entry.timer) clearTimeout(entry.timer);
    const shown = entry;
    const show = () => {
      if (this.pending.get(key) !== shown) return;
      this.pending.delete(key);
      this.emit(name, Buffer.concat(shown.pieces));
      this.schedule();
    };
    if (entry.length > MAX_HELD) return show();
    entry.timer = setTimeout(show, PARTIAL_AFTER_MS);
    entry.timer.unref?.();
  }

  /** A line (or, `partial`, a piece of one) as `tend logs` hands them over: a hand-over start follows a log stream. */
  line(name: string, stream: StreamName, text: string, partial: boolean): void {
    this.chunk(name, stream, encoder.encode(partial ? text : `${text}\n`));
  }

  notice(name: string | null, message: string, level: NoticeLevel): void {
    const mark = level === "info" ? "*" : level === "warn" ? "!" : "✖";
    const text = level === "error" ? paint(message, 31, this.color) : level === "warn" ? paint(message, 33, this.color) : dim(message, this.color);
    this.parts.push(encoder.encode(`${this.time()}${this.prefix.label(name)} ${dim(mark, this.color)} ${text}\n`));
    this.schedule();
  }

  /** Stops writing for good: the reader went away. */
  mute(): void {
    this.muted = true;
    this.parts = [];
  }

  /** Writes what is gathered now, lines still without their newline included (before exiting). */
  flush(): void {
    for (const [key, held] of this.pending) {
      if (held.timer) clearTimeout(held.timer);
      this.emit(key.slice(0, key.indexOf("\0")), Buffer.concat(held.pieces));
    }
    this.pending.clear();
    this.write();
  }

  private emit(name: string, line: Uint8Array): void {
    this.parts.push(this.encoded(`${this.time()}${this.prefix.line(name)}`), lastState(line).slice(), NEWLINE);
  }

  /** Prefixes repeat line after line: each is encoded once (with -t, each second's anew). */
  private encoded(text: string): Uint8Array {
    let bytes = this.encodedPrefixes.get(text);
    if (!bytes) {
      if (this.encodedPrefixes.size > 1000) this.encodedPrefixes.clear();
      this.encodedPrefixes.set(text, (bytes = encoder.encode(text)));
    }
    return bytes;
  }

  private time(): string {
    return this.options.timestamps ? `${dim(clock(Date.now()), this.color)} ` : "";
  }

  private write(): void {
    if (this.muted) this.parts = [];
    if (this.parts.length === 0) return;
    const chunk = Buffer.concat(this.parts);
    this.parts = [];
    this.out.write(chunk);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.write();
    });
  }
}
