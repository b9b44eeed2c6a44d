import { describe, expect, test } from "bun:test";
import { framed, MAX_LINE_BYTES, StreamFramer, type FrameTarget } from "../../src/core/line-framer";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const PREFIX = "2026-11-24T03:26:19.123456789Z stdout F ";

interface Piece {
  bytes: Uint8Array;
  partial: boolean;
}

/** A log in memory: what the framer writes, with rotation by size like a file's. */
class MemoryLog implements FrameTarget {
  files: Buffer[][] = [[]];
  constructor(private readonly maxBytes = Infinity) {}
  claim(): void {}
  room(): number {
    return this.maxBytes - this.size() - (framed.end - framed.start);
  }
  empty(): boolean {
    return this.size() + framed.end - framed.start === 0;
  }
  drain(): void {
    this.files.at(-1)!.push(Buffer.from(framed.bytes.subarray(framed.start, framed.end)));
    framed.end = framed.start;
  }
  rotate(): void {
    this.drain();
    this.files.push([]);
  }
  size(): number {
    return this.files.at(-1)!.reduce((n, b) => n + b.length, 0);
  }
  text(): string[] {
    return this.files.map((f) => Buffer.concat(f).toString("latin1"));
  }
}

/** The pieces a log's records hold, read back from its bytes. */
function piecesOf(log: Buffer): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  for (let nl = log.indexOf(10); nl !== -1; nl = log.indexOf(10, start)) {
    const head = log.subarray(start, start + PREFIX.length).toString("latin1");
    if (head !== PREFIX.replace(" F ", ` ${head.at(-2)} `) || !"FP".includes(head.at(-2)!)) throw new Error(`bad prefix ${head}`);
    pieces.push({ bytes: log.subarray(start + PREFIX.length, nl), partial: head.at(-2) === "P" });
    start = nl + 1;
  }
  if (start !== log.length) throw new Error("the log ends inside a record");
  return pieces;
}

/**
 * Frames the chunks and returns the pieces, as the listener heard them (copied: it only lends
 * them) — after checking that the log's records hold exactly the same.
 */
function split(chunks: Uint8Array[], max?: number): Piece[] {
  const pieces: Piece[] = [];
  const log = new MemoryLog();
  const framer = new StreamFramer(max);
  const listen = (text: Uint8Array, partial: boolean) => pieces.push({ bytes: text.slice(), partial });
  for (const chunk of chunks) framer.push(chunk, PREFIX, log, listen);
  framer.end(PREFIX, log, listen);
  log.drain();
  expectSamePieces(piecesOf(Buffer.concat(log.files[0]!)), pieces);
  return pieces;
}

const text = (pieces: Piece[]) => pieces.map((p) => [new TextDecoder().decode(p.bytes), p.partial]);

/** Whole lines, by joining pieces up to the one that is not partial. */
function reassemble(pieces: Piece[]): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let parts: Uint8Array[] = [];
  for (const p of pieces) {
    parts.push(p.bytes);
    if (!p.partial) {
      lines.push(Buffer.concat(parts));
      parts = [];
    }
  }
  if (parts.length > 0) throw new Error("stream ended inside a partial line");
  return lines;
}

/** The obvious, slow definition: split the whole buffer on "\n", drop one "\r" before each "\n". */
function referenceLines(all: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i] !== 10) continue;
    const end = i > start && all[i - 1] === 13 ? i - 1 : i;
    lines.push(all.subarray(start, end));
    start = i + 1;
  }
  if (start < all.length) lines.push(all.subarray(start));
  return lines;
}

function referencePieces(all: Uint8Array, max: number): Piece[] {
  const pieces: Piece[] = [];
  for (const line of referenceLines(all)) {
    let pos = 0;
    while (line.length - pos > max) {
      pieces.push({ bytes: line.subarray(pos, pos + max), partial: true });
      pos += max;
    }
    pieces.push({ bytes: line.subarray(pos), partial: false });
  }
  return pieces;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random lines of 0..200 bytes (any byte but "\n", "\r" more often than chance), a few longer
 * than the limit including exact multiples of it, ending in "\n" or "\r\n".
 */
function corpus(rand: () => number, lineCount: number, longLengths: number[], trailingNewline: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  const longAt = new Map(longLengths.map((len) => [Math.floor(rand() * lineCount), len]));
  for (let i = 0; i < lineCount; i++) {
    const len = longAt.get(i) ?? Math.floor(rand() * 201);
    const line = new Uint8Array(len);
    for (let j = 0; j < len; j++) {
      const r = rand();
      line[j] = r < 0.05 ? 13 : r < 0.1 ? 0xff : Math.floor(rand() * 256);
      if (line[j] === 10) line[j] = 0xc3;
    }
    parts.push(line, rand() < 0.3 ? bytes("\r\n") : bytes("\n"));
  }
  if (!trailingNewline) parts.push(bytes("last line \r without newline \xff"), new Uint8Array([0xc3, 0x28, 13]));
  return Buffer.concat(parts);
}

function randomChunks(all: Uint8Array, rand: () => number, minCeiling = 1): Uint8Array[] {
  // Log-uniform ceiling so tiny and 100 KB reads are both well represented.
  const ceiling = Math.max(1, Math.floor(Math.exp(Math.log(minCeiling) + rand() * Math.log(100_000 / minCeiling))));
  const chunks: Uint8Array[] = [];
  let pos = 0;
  while (pos < all.length) {
    const size = 1 + Math.floor(rand() * ceiling);
    // Fresh copies, as a pipe reader hands out, so a splitter that keeps views would be caught.
    chunks.push(all.slice(pos, pos + size));
    pos += size;
  }
  return chunks;
}

function expectSamePieces(actual: Piece[], expected: Piece[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a.partial !== e.partial || Buffer.compare(a.bytes, e.bytes) !== 0) {
      throw new Error(`piece ${i} differs: got ${a.bytes.length} bytes partial=${a.partial}, want ${e.bytes.length} bytes partial=${e.partial}`);
    }
  }
}

describe("property: any chunking gives the same lines as splitting the whole buffer", () => {
  test("default limit, 200 random chunkings of a corpus with long lines and junk bytes", () => {
    const rand = mulberry32(0x7e4d);
    const long = [MAX_LINE_BYTES - 1, MAX_LINE_BYTES, MAX_LINE_BYTES + 1, 2 * MAX_LINE_BYTES, 150_000];
    const corpora = [true, false].map((trailing) => corpus(rand, 4000, long, trailing));
    const expected = corpora.map((c) => referencePieces(c, MAX_LINE_BYTES));
    const expectedLines = corpora.map(referenceLines);

    for (let run = 0; run < 200; run++) {
      const which = run % 2;
      // Chunks of a byte or two over a megabyte only cost time; the tiny-limit test below covers them.
      const pieces = split(randomChunks(corpora[which]!, rand, 8));
      expectSamePieces(pieces, expected[which]!);
      const lines = reassemble(pieces);
      expect(lines.length).toBe(expectedLines[which]!.length);
      lines.forEach((line, i) => {
        if (Buffer.compare(line, expectedLines[which]![i]!) !== 0) throw new Error(`run ${run}: line ${i} differs`);
      });
    }
  }, 30_000);

  test("tiny limits, where CR and piece boundaries collide often", () => {
    const rand = mulberry32(42);
    for (let run = 0; run < 300; run++) {
      const max = 1 + Math.floor(rand() * 12);
      const all = corpus(rand, 60, [max, 2 * max, 3 * max + 1], run % 2 === 0);
      const chunks = randomChunks(all, () => rand() * 0.5);
      expectSamePieces(split(chunks, max), referencePieces(all, max));
    }
  });

  test("every piece obeys the limit and no long line ends in an empty piece", () => {
    const rand = mulberry32(7);
    const all = corpus(rand, 500, [MAX_LINE_BYTES * 3, MAX_LINE_BYTES * 2 + 5], true);
    const pieces = split(randomChunks(all, rand));
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (p.partial) expect(p.bytes.length).toBe(MAX_LINE_BYTES);
      else expect(p.bytes.length).toBeLessThanOrEqual(MAX_LINE_BYTES);
      if (!p.partial && p.bytes.length === 0) expect(i === 0 || !pieces[i - 1]!.partial).toBe(true);
    }
  });
});

describe("focused cases", () => {
  test("a line split across chunks", () => {
    expect(text(split([bytes("hel"), bytes("lo wo"), bytes("rld\n")]))).toEqual([["hello world", false]]);
  });

  test("many lines in one chunk", () => {
    expect(text(split([bytes("a\nbb\nccc\n")]))).toEqual([
      ["a", false],
      ["bb", false],
      ["ccc", false],
    ]);
  });

  test("each record is the prefix, the line and a newline; pieces are tagged P", () => {
    const log = new MemoryLog();
    const framer = new StreamFramer(4);
    framer.push(bytes("one\nabcdefghij\nt"), PREFIX, log, null);
    framer.push(bytes("wo"), PREFIX, log, null);
    framer.end(PREFIX.replace("stdout", "stderr"), log, null);
    log.drain();
    const P = PREFIX.replace(" F ", " P ");
    expect(log.text()).toEqual([`${PREFIX}one\n${P}abcd\n${P}efgh\n${PREFIX}ij\n${PREFIX.replace("stdout", "stderr")}two\n`]);
  });

  test("rotation comes between records, and a record larger than a file still goes in whole", () => {
    const record = PREFIX.length + 3;
    const log = new MemoryLog(2 * record + 1);
    const framer = new StreamFramer(8);
    framer.push(bytes("aa\nbb\ncc\ndddddddd\nee\n"), PREFIX, log, null);
    log.drain();
    expect(log.text()).toEqual([`${PREFIX}aa\n${PREFIX}bb\n`, `${PREFIX}cc\n`, `${PREFIX}dddddddd\n`, `${PREFIX}ee\n`]);
  });

  test("a chunk larger than one call's input is framed in slices, lines across them intact", () => {
    const all = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => bytes(`line ${i} ${"y".repeat(i % 97)}\n`)));
    expect(all.length).toBeGreaterThan(1024 * 1024);
    expectSamePieces(split([all]), referencePieces(all, MAX_LINE_BYTES));
  });

  test("a listener that throws hears no more of that chunk, and the log still gets every line", () => {
    const log = new MemoryLog();
    const framer = new StreamFramer();
    let heard = 0;
    const listen = () => {
      heard += 1;
      throw new Error("listener bug");
    };
    expect(() => framer.push(bytes("a\nb\nc"), PREFIX, log, listen)).toThrow("listener bug");
    framer.push(bytes("d\n"), PREFIX, log, null);
    log.drain();
    expect(heard).toBe(1);
    expect(log.text()).toEqual([["a", "b", "cd"].map((l) => `${PREFIX}${l}\n`).join("")]);
  });

  test("\\r\\n inside a chunk and across a chunk boundary", () => {
    expect(text(split([bytes("a\r\nb\r"), bytes("\nc\r"), bytes("x\n")]))).toEqual([
      ["a", false],
      ["b", false],
      ["c\rx", false],
    ]);
  });

  test("\\r\\n across a boundary right after a carried line", () => {
    expect(text(split([bytes("ab"), bytes("cd\r"), bytes("\n")]))).toEqual([["abcd", false]]);
  });

  test("a lone \\r and \\r\\r\\n keep the \\r that is not before \\n", () => {
    expect(text(split([bytes("a\rb\n\r\r\n")]))).toEqual([
      ["a\rb", false],
      ["\r", false],
    ]);
  });

  test("a final line without newline is flushed by end(), a trailing \\r kept", () => {
    expect(text(split([bytes("x\ntail\r")]))).toEqual([
      ["x", false],
      ["tail\r", false],
    ]);
  });

  test("end() is idempotent", () => {
    const pieces: string[] = [];
    const log = new MemoryLog();
    const framer = new StreamFramer();
    const listen = (text: Uint8Array) => pieces.push(new TextDecoder().decode(text));
    framer.push(bytes("a\nb"), PREFIX, log, listen);
    framer.end(PREFIX, log, listen);
    framer.end(PREFIX, log, listen);
    log.drain();
    expect(pieces).toEqual(["a", "b"]);
  });

  test("end() after a trailing newline emits nothing more", () => {
    expect(text(split([bytes("a\n")]))).toEqual([["a", false]]);
    expect(split([])).toEqual([]);
    expect(split([new Uint8Array(0)])).toEqual([]);
  });

  test("empty lines are emitted as empty, final", () => {
    expect(text(split([bytes("\n\na\n\r\n"), bytes("\n")]))).toEqual([
      ["", false],
      ["", false],
      ["a", false],
      ["", false],
      ["", false],
    ]);
  });

  test("a line of exactly 64 KiB ends on a full piece marked final", () => {
    const line = new Uint8Array(MAX_LINE_BYTES).fill(0x61);
    for (const chunks of [[line, bytes("\n")], [Buffer.concat([line, bytes("\r\n")])], [line, bytes("\r"), bytes("\n")]]) {
      const pieces = split(chunks);
      expect(pieces.map((p) => [p.bytes.length, p.partial])).toEqual([[MAX_LINE_BYTES, false]]);
    }
  });

  test("a line of exactly twice the limit gives one partial and one final piece, with or without newline", () => {
    const line = new Uint8Array(2 * MAX_LINE_BYTES).fill(0x62);
    for (const chunks of [[line, bytes("\n")], [line.subarray(0, 1000), line.subarray(1000)], [Buffer.concat([line, bytes("\r\n")])]]) {
      expect(split(chunks).map((p) => [p.bytes.length, p.partial])).toEqual([
        [MAX_LINE_BYTES, true],
        [MAX_LINE_BYTES, false],
      ]);
    }
  });

  test("a long line is split into pieces of the limit and the rest", () => {
    expect(text(split([bytes("abcdefgh\nxy\n")], 3))).toEqual([
      ["abc", true],
      ["def", true],
      ["gh", false],
      ["xy", false],
    ]);
  });

  test("invalid UTF-8 passes through untouched", () => {
    const junk = new Uint8Array([0xff, 0xfe, 0xc3, 0x28, 0x00, 0x80, 10, 0xed, 0xa0, 0x80]);
    const pieces = split([junk.subarray(0, 3), junk.subarray(3)]);
    expect(pieces.map((p) => [...p.bytes])).toEqual([
      [0xff, 0xfe, 0xc3, 0x28, 0x00, 0x80],
      [0xed, 0xa0, 0x80],
    ]);
  });

  test("rejects a limit that is not a whole number from 1 to 64 KiB", () => {
    for (const max of [0, 1.5, MAX_LINE_BYTES + 1]) expect(() => new StreamFramer(max)).toThrow(RangeError);
  });
});
