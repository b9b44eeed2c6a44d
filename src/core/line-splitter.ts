export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Receives one line (without its "\n" or "\r\n") as `buf[start..end)`, or one piece of a line
 * longer than the limit with `partial` true. `buf` is the pushed chunk or the splitter's own
 * buffer and is only valid during the call: a sink that keeps the bytes must copy them. Ranges
 * rather than views, so a line costs no allocation on the way to the log.
 */
export type LineSink = (buf: Uint8Array, start: number, end: number, partial: boolean) => void;

const LF = 10;
const CR = 13;
const CR_BYTES = new Uint8Array([CR]);
const INITIAL_CARRY = 1024;

/**
 * Splits a byte stream into lines without decoding it, so any bytes (invalid UTF-8, binary)
 * pass through unchanged. Lines that lie wholly inside one chunk are handed out as ranges of it
 * with no copy; only the unfinished tail of a chunk is buffered, and never more than one piece.
 */
export class LineSplitter {
  private carry: Uint8Array;
  private carryLen = 0;
  // A "\r" that ended the last chunk: dropped if the next byte is "\n", content otherwise.
  private pendingCR = false;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes: number = MAX_LINE_BYTES,
  ) {
    if (!(maxLineBytes >= 1) || !Number.isInteger(maxLineBytes)) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    }
    this.carry = new Uint8Array(Math.min(INITIAL_CARRY, maxLineBytes));
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    let pos = 0;

    if (this.pendingCR) {
      this.pendingCR = false;
      if (chunk[0] === LF) {
        this.finishCarried();
        pos = 1;
      } else {
        this.append(CR_BYTES, 0, 1);
      }
    }

    if (this.carryLen > 0) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        this.keepTail(chunk, pos);
        return;
      }
      const end = nl > pos && chunk[nl - 1] === CR ? nl - 1 : nl;
      this.append(chunk, pos, end);
      this.finishCarried();
      pos = nl + 1;
    }

    const max = this.maxLineBytes;
    const sink = this.sink;
    while (pos < n) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) break;
      const end = nl > pos && chunk[nl - 1] === CR ? nl - 1 : nl;
      while (end - pos > max) {
        sink(chunk, pos, pos + max, true);
        pos += max;
      }
      sink(chunk, pos, end, false);
      pos = nl + 1;
    }

    if (pos < n) this.keepTail(chunk, pos);
  }

  /** Flushes a last line that had no newline. Safe to call more than once. */
  end(): void {
    if (this.pendingCR) {
      this.pendingCR = false;
      this.append(CR_BYTES, 0, 1);
    }
    if (this.carryLen > 0) this.finishCarried();
  }

  /** Buffers chunk[from..] as the start of an unfinished line; a trailing "\r" waits for the next byte. */
  private keepTail(chunk: Uint8Array, from: number): void {
    let to = chunk.length;
    if (from >= to) return;
    if (chunk[to - 1] === CR) {
      this.pendingCR = true;
      to -= 1;
    }
    this.append(chunk, from, to);
  }

  /**
   * Adds content bytes to the unfinished line. A full piece is only emitted once a further
   * content byte is known, so a line of an exact multiple of the limit ends on a full piece
   * marked final instead of an empty one.
   */
  private append(src: Uint8Array, from: number, to: number): void {
    const max = this.maxLineBytes;
    while (from < to) {
      if (this.carryLen === max) {
        this.sink(this.carry, 0, max, true);
        this.carryLen = 0;
      }
      if (this.carryLen === 0 && to - from > max) {
        this.sink(src, from, from + max, true);
        from += max;
        continue;
      }
      const take = Math.min(max - this.carryLen, to - from);
      this.reserve(this.carryLen + take);
      this.carry.set(src.subarray(from, from + take), this.carryLen);
      this.carryLen += take;
      from += take;
    }
  }

  private finishCarried(): void {
    const len = this.carryLen;
    this.carryLen = 0;
    this.sink(this.carry, 0, len, false);
  }

  private reserve(size: number): void {
    if (size <= this.carry.length) return;
    let cap = this.carry.length * 2;
    while (cap < size) cap *= 2;
    const grown = new Uint8Array(Math.min(cap, this.maxLineBytes));
    grown.set(this.carry.subarray(0, this.carryLen));
    this.carry = grown;
  }
}
