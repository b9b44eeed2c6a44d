import { criPrefix, formatTimestamp, type StreamName } from "../core/cri";
import { LineSplitter } from "../core/line-splitter";
import { LogWriter } from "./log-writer";

export type LineListener = (stream: StreamName, line: Uint8Array, partial: boolean) => void;
export type ChunkListener = (stream: StreamName, chunk: Uint8Array) => void;

const encoder = new TextEncoder();
// Wall-clock nanoseconds that never go backwards within a run, for CRI timestamps.
const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
export const nowNs = (): bigint => process.hrtime.bigint() + epochOffsetNs;

/**
 * One output stream of a child, pushed chunk by chunk (from a pipe or a PTY): each chunk goes
 * as it is to the chunk listener (attach), then split into lines for the log file (CRI format)
 * and the line listener. All lines of one chunk share the chunk's arrival time, which keeps
 * the per-line cost to a copy.
 */
export class OutputPump {
  private ts = "";
  private full = new Uint8Array(0);
  private partial: Uint8Array | null = null;
  private readonly splitter: LineSplitter;
  private ended = false;
  /** Whether anyone wants this chunk's lines one by one; asked once per chunk, not per line. */
  private linesWanted = false;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    private readonly stream: StreamName,
    private readonly log: LogWriter,
    private readonly onLine: LineListener,
    private readonly onChunk: ChunkListener,
    private readonly wantsLines: () => boolean = () => true,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.splitter = new LineSplitter((buf, start, end, isPartial) => {
      if (isPartial) this.partial ??= encoder.encode(criPrefix(this.ts, this.stream, true));
      this.log.append(isPartial ? this.partial! : this.full, buf, start, end);
      if (this.linesWanted) this.onLine(this.stream, buf.subarray(start, end), isPartial);
    });
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.onChunk(this.stream, chunk);
    this.stamp();
    this.splitter.push(chunk);
    LogWriter.scheduleFlush();
  }

  /** End of the stream: a last line without newline is flushed. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stamp();
    this.splitter.end();
    this.log.flush();
    this.resolveDone();
  }

  private stamp(): void {
    this.linesWanted = this.wantsLines();
    this.ts = formatTimestamp(nowNs());
    this.full = encoder.encode(criPrefix(this.ts, this.stream, false));
    this.partial = null;
  }
}

/** Reads a pipe to its end into a pump. */
export async function drainInto(source: ReadableStream<Uint8Array>, pump: OutputPump): Promise<void> {
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      try {
        pump.push(value);
      } catch {
        // A listener's failure must not leave the child's pipe unread (it would block on it).
      }
    }
  } finally {
    pump.end();
    reader.releaseLock();
  }
}
