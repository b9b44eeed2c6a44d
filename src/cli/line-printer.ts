import { JOIN_LIMIT, type StreamName } from "../core/cri";
import type { NoticeLevel } from "../core/notice";
import { colorEnabled, colorFor, dim, paint } from "./colors";

const encoder = new TextEncoder();
const NEWLINE = encoder.encode("\n");

/**
 * Foreground output of `tend start`: each process line as `name | line`, names padded and
 * coloured, and supervisor notices as `name * message` so they never pass for process output.
 * Pieces of an over-long line are joined first, so lines of different processes never mix;
 * past 1 MiB what is joined is shown as a line of its own, so memory stays bounded. Output is
 * gathered and written once per event-loop turn.
 */
export class LinePrinter {
  private width: number;
  private readonly color: boolean;
  private readonly prefixes = new Map<string, Uint8Array>();
  private readonly pendingPieces = new Map<string, { parts: Uint8Array[]; bytes: number }>();
  private parts: Uint8Array[] = [];
  private scheduled = false;
  private muted = false;

  constructor(
    names: string[],
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.width = Math.max(4, ...names.map((n) => n.length));
    this.color = colorEnabled(out);
  }

  line(name: string, stream: StreamName, text: Uint8Array, partial: boolean): void {
    const key = `${name}\0${stream}`;
    const pending = this.pendingPieces.get(key);
    if (partial && (pending?.bytes ?? 0) + text.length < JOIN_LIMIT) {
      if (pending) {
        pending.parts.push(text.slice());
        pending.bytes += text.length;
      } else this.pendingPieces.set(key, { parts: [text.slice()], bytes: text.length });
      return;
    }
    this.parts.push(this.prefix(name));
    if (pending) {
      this.parts.push(...pending.parts);
      this.pendingPieces.delete(key);
    }
    this.parts.push(text.slice(), NEWLINE);
    this.schedule();
  }

  notice(name: string | null, message: string, level: NoticeLevel): void {
    const who = (name ?? "tend").padEnd(this.width);
    const mark = level === "info" ? "*" : level === "warn" ? "!" : "✖";
    const coloredWho = name ? paint(who, colorFor(name), this.color) : dim(who, this.color);
    const text = level === "error" ? paint(message, 31, this.color) : level === "warn" ? paint(message, 33, this.color) : dim(message, this.color);
    this.parts.push(encoder.encode(`${coloredWho} ${dim(mark, this.color)} ${text}\n`));
    this.schedule();
  }

  /** Stops writing for good: the reader went away. */
  mute(): void {
    this.muted = true;
    this.parts = [];
  }

  /** Writes what is gathered now (before exiting). */
  flush(): void {
    if (this.muted) this.parts = [];
    if (this.parts.length === 0) return;
    const chunk = Buffer.concat(this.parts);
    this.parts = [];
    this.out.write(chunk);
  }

  private prefix(name: string): Uint8Array {
    let p = this.prefixes.get(name);
    if (!p) {
      if (name.length > this.width) this.width = name.length;
      p = encoder.encode(`${paint(name.padEnd(this.width), colorFor(name), this.color)} ${dim("|", this.color)} `);
      this.prefixes.set(name, p);
    }
    return p;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}
