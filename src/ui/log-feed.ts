import type { TendHome } from "../client/tend-client";
import type { LogEntry } from "../client/logs";
import { parseTimestamp, type StreamName } from "../core/cri";
import { printable } from "./text";

export interface LogLine {
  name: string;
  stream: StreamName;
  text: string;
}

/** Which log the pane shows: one process's or every one's, interleaved. */
export type LogTarget = { all: true } | { all: false; name: string };

/** Lines kept for scrolling back; `p` opens the whole log in the pager. */
const KEPT_LINES = 5000;
/** History read when a log is opened. */
const TAIL_LINES = 1000;

/**
 * The log pane's lines: the tail of the target's log, then its live lines, read through the
 * client. Opening another target ends the previous stream. A stream that ends (the process
 * ended for good) can be taken up again where it stopped once the process runs again.
 */
export class LogFeed {
  lines: LogLine[] = [];
  /** Lines dropped from the top since the feed was opened: a scrolled view moves up with them. */
  trimmed = 0;
  following = false;
  note: string | null = null;
  private abort: AbortController | null = null;
  private target: LogTarget | null = null;
  private stream: StreamName | null = null;
  private lastTs: string | null = null;

  constructor(
    private readonly client: TendHome,
    private readonly changed: () => void,
  ) {}

  get current(): LogTarget | null {
    return this.target;
  }

  get streamFilter(): StreamName | null {
    return this.stream;
  }

  open(target: LogTarget, stream: StreamName | null): void {
    this.target = target;
    this.stream = stream;
    this.lines = [];
    this.trimmed = 0;
    this.lastTs = null;
    this.start({ tail: TAIL_LINES });
  }

  /** After the stream ended: follow again from the last line seen (the process runs again). */
  resume(): void {
    if (this.following || !this.target) return;
    const since = this.lastTs ? parseTimestamp(this.lastTs) : null;
    this.start(since === null ? { tail: TAIL_LINES } : { sinceNs: since + 1n });
  }

  close(): void {
    this.abort?.abort();
    this.abort = null;
    this.following = false;
  }

  private start(filter: { tail?: number; sinceNs?: bigint }): void {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const target = this.target!;
    this.following = true;
    this.note = null;
    const req = {
      names: target.all ? [] : [target.name],
      all: target.all,
      follow: true,
      filter: { ...filter, ...(this.stream ? { stream: this.stream } : {}) },
      signal: abort.signal,
    };
    const mine = () => this.abort === abort;
    this.client
      .logs(req, { start: () => {}, lines: (batch) => void (mine() && this.add(batch)) })
      .then((outcome) => {
        if (!mine()) return;
        this.following = false;
        if (outcome.kind === "dropped") {
          // Too far behind a flood: skip to its latest lines.
          this.note = "fell behind; skipped to the latest lines";
          this.lastTs = null;
          this.resume();
        } else if (outcome.kind === "offline") this.note = "no supervisor: the log as it was left";
        this.changed();
      })
      .catch((error: Error) => {
        if (!mine() || abort.signal.aborted) return;
        this.following = false;
        this.note = error.message;
        this.changed();
      });
  }

  private add(batch: LogEntry[]): void {
    for (const e of batch) this.lines.push({ name: e.name, stream: e.stream, text: printable(e.text) });
    if (batch.length > 0) this.lastTs = batch[batch.length - 1]!.ts;
    if (this.lines.length > KEPT_LINES * 1.2) {
      const cut = this.lines.length - KEPT_LINES;
      this.lines.splice(0, cut);
      this.trimmed += cut;
    }
    this.changed();
  }
}
