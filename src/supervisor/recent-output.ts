/** How much raw output each process keeps for attaching clients: a full screen or two, with its escapes. */
export const RECENT_OUTPUT_BYTES = 64 * 1024;

/**
 * The last bytes a process wrote, as they came (both streams in arrival order), so a terminal
 * that attaches can redraw what a full-screen program last drew, and a pipe session can show
 * its last lines including a prompt that has no newline yet.
 */
export class RecentOutput {
  // A ring: the oldest byte at `start`, `size` bytes in all. It grows to the limit as output
  // comes, so a process that writes little keeps little, and a flood makes no garbage.
  private ring = new Uint8Array(0);
  private start = 0;
  private size = 0;

  constructor(private readonly limit = RECENT_OUTPUT_BYTES) {}

  /** Copies the chunk's bytes (the producer may reuse its buffer once this returns). */
  push(chunk: Uint8Array): void {
    if (chunk.length >= this.limit) {
      if (this.ring.length < this.limit) this.ring = new Uint8Array(this.limit);
      this.ring.set(chunk.subarray(chunk.length - this.limit));
      this.start = 0;
      this.size = this.limit;
      return;
    }
    if (this.size + chunk.length > this.ring.length && this.ring.length < this.limit) this.grow(this.size + chunk.length);
    const cap = this.ring.length;
    const end = (this.start + this.size) % cap;
    const first = Math.min(chunk.length, cap - end);
    this.ring.set(chunk.subarray(0, first), end);
    if (first < chunk.length) this.ring.set(chunk.subarray(first), 0);
    this.size += chunk.length;
    if (this.size > cap) {
      this.start = (this.start + this.size - cap) % cap;
      this.size = cap;
    }
  }

  snapshot(): Uint8Array {
    const out = new Uint8Array(this.size);
    const first = Math.min(this.size, this.ring.length - this.start);
    out.set(this.ring.subarray(this.start, this.start + first));
    out.set(this.ring.subarray(0, this.size - first), first);
    return out;
  }

  private grow(needed: number): void {
    const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, 2 * this.ring.length, 4096)));
    grown.set(this.snapshot());
    this.ring = grown;
    this.start = 0;
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
