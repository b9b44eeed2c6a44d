import { criPrefix, formatTimestamp, type StreamName } from "../core/cri";
import { StreamFramer, type RecordListener } from "../core/line-framer";
import { LogWriter } from "./log-writer";

export type LineListener = (stream: StreamName, line: Uint8Array, partial: boolean) => void;
export type ChunkListener = (stream: StreamName, chunk: Uint8Array) => void;

// Wall-clock nanoseconds that never go backwards within a run, for CRI timestamps.
const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
export const nowNs = (): bigint => process.hrtime.bigint() + epochOffsetNs;

/**
 * One output stream of a child, pushed chunk by chunk (from a pipe or a PTY): each chunk goes
 * as it is to the chunk listener (attach), then is framed into CRI records for the log file,
 * whose lines go to the line listener when anyone wants them. All lines of one chunk share the
 * chunk's arrival time.
 */
export class OutputPump {
  private readonly framer = new StreamFramer();
  private readonly lineOut: RecordListener;
  private ended = false;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    private readonly stream: StreamName,
    private readonly log: LogWriter,
    onLine: LineListener,
    private readonly onChunk: ChunkListener,
    /** Whether anyone wants this chunk's lines one by one; asked once per chunk, not per line. */
    private readonly wantsLines: () => boolean = () => true,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.lineOut = (text, partial) => onLine(stream, text, partial);
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.onChunk(this.stream, chunk);
    this.framer.push(chunk, this.prefix(), this.log, this.wantsLines() ? this.lineOut : null);
    LogWriter.scheduleFlush();
  }

  /** End of the stream: a last line without newline is written out. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.framer.end(this.prefix(), this.log, this.wantsLines() ? this.lineOut : null);
      this.log.flush();
    } finally {
      this.resolveDone();
    }
  }

  private prefix(): string {
    return criPrefix(formatTimestamp(nowNs()), this.stream, false);
  }
}

/** Reads a pipe to its end into a pump; `stop` gives up on a pipe that never ends. */
export function drainInto(source: ReadableStream<Uint8Array>, pump: OutputPump): { stop(): void } {
  const reader = source.getReader();
  void (async () => {
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
    } catch {
      // Given up on (stop): the pump ends all the same.
    } finally {
      pump.end();
      reader.releaseLock();
    }
  })();
  return { stop: () => void reader.cancel().catch(() => {}) };
}
