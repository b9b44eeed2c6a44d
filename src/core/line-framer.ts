import { LINE_FRAMER_WASM } from "./line-framer-wasm";

/** Lines longer than this are cut into pieces of this size, tagged P (partial) in the log. */
export const MAX_LINE_BYTES = 64 * 1024;

const KiB = 1024;
// The memory of the routine (line-framer.wat), laid out once for every stream of every process.
const PREFIX_AT = 0;
const PREFIX_ROOM = 48;
const INDEX_AT = 64;
const INDEX_CAP = 16 * KiB;
const IN_AT = 128 * KiB;
/** Input framed per call; a longer chunk is framed in slices. */
const SLICE = 256 * KiB;
// An unfinished line of up to MAX_LINE_BYTES + 1 bytes is carried in front of the next slice.
const IN_CAP = MAX_LINE_BYTES + 2 + SLICE;
const SLACK = 64;
const OUT_AT = IN_AT + IN_CAP + SLACK;
/** Records gathered before they must be written out: one write per this much, in a flood. */
const OUT_FILL = 256 * KiB;
// The routine stops once the longest record might not fit; what fits before that is OUT_FILL.
const OUT_END = OUT_AT + OUT_FILL + PREFIX_ROOM + MAX_LINE_BYTES + SLACK;
const PAGE = 64 * KiB;

const LF = 0x0a;
const FLAG_FINAL = 1;
const FLAG_FIRST_MAY_PASS = 2;
const PARTIAL_BIT = 0x8000_0000;
const STOP_FULL = 1;
const STOP_LIMIT = 2;

interface Routine {
  frame(s: number, inEnd: number, o: number, outLimit: number, outEnd: number, plen: number, max: number, flags: number, idx: number, idxCap: number): number;
  memory: WebAssembly.Memory;
  out: WebAssembly.Global;
  records: WebAssembly.Global;
  stop: WebAssembly.Global;
}

let routine: Routine | null = null;
let mem: Uint8Array;
let index: Uint32Array;

function load(): Routine {
  const r = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(LINE_FRAMER_WASM, "base64"))).exports as unknown as Routine;
  r.memory.grow(Math.ceil(OUT_END / PAGE) - r.memory.buffer.byteLength / PAGE);
  mem = new Uint8Array(r.memory.buffer);
  index = new Uint32Array(r.memory.buffer, INDEX_AT, INDEX_CAP);
  routine = r;
  return r;
}

/**
 * The framed records waiting to be written, `bytes[start, end)`: one region for every log of
 * the process, since a chunk is framed and its records handed on before the next is read. Its
 * records belong to one log at a time (see FrameTarget.claim).
 */
export const framed = {
  get bytes(): Uint8Array {
    if (!routine) load();
    return mem;
  },
  start: OUT_AT,
  end: OUT_AT,
};

/** Where framed records go: a log file that is written and rotated by size. */
export interface FrameTarget {
  /** Records of another target still waiting in `framed` are written out first. */
  claim(): void;
  /** Bytes the current file may still take before it rotates (what waits in `framed` counted). */
  room(): number;
  /** Whether the current file is empty and nothing waits for it. */
  empty(): boolean;
  /** `framed` is full: write its records out. */
  drain(): void;
  /** The next record does not fit in the current file: write what waits and start the next file. */
  rotate(): void;
}

/** One record as it was framed: the line's bytes (valid only during the call) and whether it is a P piece. */
export type RecordListener = (text: Uint8Array, partial: boolean) => void;

const encoder = new TextEncoder();

/**
 * Frames one output stream into CRI records (`<prefix><line>\n`), a whole chunk per call of the
 * routine. Any bytes pass through unchanged (invalid UTF-8, binary); a line ends at "\n", with a
 * "\r" before it dropped; lines longer than `max` are cut into P pieces. The unfinished line at
 * the end of a chunk is kept for the next one, and written out as it is at the end.
 */
export class StreamFramer {
  private carry = new Uint8Array(0);
  private carryLen = 0;

  constructor(private readonly max: number = MAX_LINE_BYTES) {
    if (!(max >= 1 && max <= MAX_LINE_BYTES) || !Number.isInteger(max)) {
      throw new RangeError(`max must be a whole number from 1 to ${MAX_LINE_BYTES}, got ${max}`);
    }
  }

  /**
   * Frames `chunk` behind `prefix` (`<ts> <stream> F `, the tag second to last; at most 48
   * bytes of ASCII). `onRecord` hears of each record as it is framed, when given.
   */
  push(chunk: Uint8Array, prefix: string, target: FrameTarget, onRecord: RecordListener | null): void {
    if (chunk.length === 0) return;
    // More of an unfinished line that still cannot end or be cut: kept without framing, so a
    // long line arriving in small chunks costs its copy once, not once per chunk.
    if (this.carryLen > 0 && this.carryLen + chunk.length < this.max + 2 && chunk.indexOf(LF) === -1) {
      this.reserve(this.carryLen + chunk.length);
      this.carry.set(chunk, this.carryLen);
      this.carryLen += chunk.length;
      return;
    }
    const r = routine ?? load();
    const plen = setPrefix(prefix);
    let failure: { error: unknown } | null = null;
    for (let from = 0; from < chunk.length; ) {
      const take = Math.min(chunk.length - from, SLICE);
      if (this.carryLen > 0) mem.set(this.carry.subarray(0, this.carryLen), IN_AT);
      mem.set(take === chunk.length ? chunk : chunk.subarray(from, from + take), IN_AT + this.carryLen);
      from += take;
      const failed = this.run(r, IN_AT + this.carryLen + take, plen, 0, target, failure ? null : onRecord);
      failure ??= failed;
    }
    if (failure) throw failure.error;
  }

  /** The end of the stream: an unfinished line is written out. Safe to call more than once. */
  end(prefix: string, target: FrameTarget, onRecord: RecordListener | null): void {
    if (this.carryLen === 0) return;
    const r = routine ?? load();
    const plen = setPrefix(prefix);
    mem.set(this.carry.subarray(0, this.carryLen), IN_AT);
    const failure = this.run(r, IN_AT + this.carryLen, plen, FLAG_FINAL, target, onRecord);
    if (failure) throw failure.error;
  }

  /**
   * Frames mem[IN_AT, inEnd) and keeps what is left. A listener that throws hears of no more
   * records of this input, and its error is returned, but the framing goes on: the log must
   * not lose lines to a listener's bug.
   */
  private run(r: Routine, inEnd: number, plen: number, final: number, target: FrameTarget, onRecord: RecordListener | null): { error: unknown } | null {
    let failure: { error: unknown } | null = null;
    let s = IN_AT;
    for (;;) {
      target.claim();
      const o = framed.end;
      const limit = o + Math.max(0, Math.min(target.room(), OUT_END - o));
      const flags = final | (target.empty() ? FLAG_FIRST_MAY_PASS : 0);
      s = r.frame(s, inEnd, o, limit, OUT_END, plen, this.max, flags, INDEX_AT, INDEX_CAP);
      framed.end = r.out.value as number;
      const n = r.records.value as number;
      if (onRecord && n > 0 && !failure) {
        try {
          dispatch(o, n, plen, onRecord);
        } catch (error) {
          failure = { error };
        }
      }
      const stop = r.stop.value as number;
      if (stop === STOP_FULL) target.drain();
      else if (stop === STOP_LIMIT) target.rotate();
      else break;
    }
    this.keep(s, inEnd);
    return failure;
  }

  /** Keeps the unfinished line, mem[from, to), for the next chunk. */
  private keep(from: number, to: number): void {
    const n = to - from;
    this.carryLen = 0;
    this.reserve(n);
    if (n > 0) this.carry.set(mem.subarray(from, to));
    this.carryLen = n;
  }

  /** Room for `size` bytes of unfinished line (never more than max + 1), keeping what is there. */
  private reserve(size: number): void {
    if (size <= this.carry.length) return;
    const grown = new Uint8Array(Math.min(Math.max(size, this.carry.length * 2, 256), this.max + 1));
    grown.set(this.carry.subarray(0, this.carryLen));
    this.carry = grown;
  }
}

function setPrefix(prefix: string): number {
  if (prefix.length > PREFIX_ROOM) throw new RangeError(`a record prefix is at most ${PREFIX_ROOM} bytes`);
  encoder.encodeInto(prefix, mem.subarray(PREFIX_AT, PREFIX_AT + PREFIX_ROOM));
  return prefix.length;
}

function dispatch(from: number, n: number, plen: number, onRecord: RecordListener): void {
  let start = from;
  for (let i = 0; i < n; i++) {
    const entry = index[i]!;
    const end = entry & ~PARTIAL_BIT;
    onRecord(mem.subarray(start + plen, end - 1), entry >= PARTIAL_BIT);
    start = end;
  }
}
