/** How much raw output each process keeps for attaching clients: a full screen or two, with its escapes. */
export const RECENT_OUTPUT_BYTES = 64 * 1024;

/**
 * The last bytes a process wrote, as they came (both streams in arrival order), so a terminal
 * that attaches can redraw what a full-screen program last drew, and a pipe session can show
 * its last lines including a prompt that has no newline yet.
 */
export class RecentOutput {
  private chunks: Uint8Array[] = [];
  private bytes = 0;

  constructor(private readonly limit = RECENT_OUTPUT_BYTES) {}

  push(chunk: Uint8Array): void {
    // The producer may reuse its buffer once the listener returns.
    const copy = chunk.slice(Math.max(0, chunk.length - this.limit));
    this.chunks.push(copy);
    this.bytes += copy.length;
    while (this.bytes > this.limit) {
      const first = this.chunks[0]!;
      const over = this.bytes - this.limit;
      if (first.length <= over) this.chunks.shift();
      else this.chunks[0] = first.subarray(over);
      this.bytes -= Math.min(first.length, over);
    }
  }

  snapshot(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  /** The last `n` lines (a last line without a newline counts as one). */
  lastLines(n: number): Uint8Array {
    const all = this.snapshot();
    let start = all.length > 0 && all[all.length - 1] === 10 ? all.length - 1 : all.length;
    for (let seen = 0; start > 0; start--) {
      if (all[start - 1] === 10 && ++seen === n) break;
    }
    return all.subarray(start);
  }
}
