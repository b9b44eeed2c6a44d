import { describe, expect, test } from "bun:test";
import { LineSplitter, MAX_LINE_BYTES } from "../../src/core/line-splitter";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

interface Piece {
  bytes: Uint8Array;
  partial: boolean;
}

/** Splits with the given chunks and returns the pieces, copied because the sink only lends them. */
function split(chunks: Uint8Array[], max?: number): Piece[] {
  const pieces: Piece[] = [];
  const splitter = new LineSplitter((buf, start, end, partial) => pieces.push({ bytes: buf.slice(start, end), partial }), max);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
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

  test("lines wholly inside a chunk are views of it, not copies", () => {
    const chunk = bytes("one\ntwo\n");
    const seen: Uint8Array[] = [];
    const splitter = new LineSplitter((buf, start, end) => seen.push(buf.subarray(start, end)));
    splitter.push(chunk);
    expect(seen.every((line) => line.buffer === chunk.buffer)).toBe(true);
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
    const splitter = new LineSplitter((buf, start, end) => pieces.push(new TextDecoder().decode(buf.subarray(start, end))));
    splitter.push(bytes("a\nb"));
    splitter.end();
    splitter.end();
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

  test("rejects a limit that is not a positive integer", () => {
    expect(() => new LineSplitter(() => {}, 0)).toThrow(RangeError);
    expect(() => new LineSplitter(() => {}, 1.5)).toThrow(RangeError);
  });
});
