import { formatTimestamp, type StreamName } from "../core/cri";
import { LineSplitter } from "../core/line-splitter";
import type { LogWriter } from "./log-writer";

export type LineListener = (stream: StreamName, line: Uint8Array, partial: boolean) => void;

const encoder = new TextEncoder();
// Wall-clock nanoseconds that never go backwards within a run, for CRI timestamps.
const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
export const nowNs = (): bigint => process.hrtime.bigint() + epochOffsetNs;

/**
 * Drains one of a child's output streams to the end: every chunk is split into lines, each
 * line goes to the log file (CRI format) and to the listener. All lines of one chunk share
 * the chunk's arrival time, which keeps the per-line cost to a copy.
 */
export async function pumpStream(
  source: ReadableStream<Uint8Array>,
  stream: StreamName,
  log: LogWriter,
  onLine: LineListener,
): Promise<void> {
  let ts = "";
  let full = new Uint8Array(0);
  let partial: Uint8Array | null = null;
  const splitter = new LineSplitter((line, isPartial) => {
    if (isPartial) partial ??= encoder.encode(`${ts} ${stream} P `);
    log.append(isPartial ? partial! : full, line);
    onLine(stream, line, isPartial);
  });
  const stamp = () => {
    ts = formatTimestamp(nowNs());
    full = encoder.encode(`${ts} ${stream} F `);
    partial = null;
  };
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      stamp();
      splitter.push(value);
      log.flush();
    }
  } finally {
    stamp();
    splitter.end();
    log.flush();
    reader.releaseLock();
  }
}
