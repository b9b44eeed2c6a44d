import { closeSync, fstatSync, openSync, readSync, readFileSync, statSync } from "node:fs";

/**
 * What the generator (fixtures/gen-lines.sh) writes: line n is "line %09d " then x's, one byte
 * less than the line's width (its newline makes up the rest).
 */
export const DEFAULT_WIDTH = 80;
const HEAD = Buffer.from("line ");
const LF = 0x0a;
const SPACE = 0x20;

const pad = (width: number) => Buffer.alloc(width - 16, "x");

export function expectedLine(n: number, width = DEFAULT_WIDTH): string {
  return `line ${String(n).padStart(9, "0")} ${pad(width).toString()}`;
}

export interface LineCheck {
  /** Lines that arrived whole, once, and after every line before them that arrived. */
  intact: number;
  /** Expected lines that never arrived whole. */
  lost: number;
  /** Records that are not a whole line: pieces of split lines, merged lines, garbage. */
  broken: number;
  duplicated: number;
  outOfOrder: number;
  /** CRI records marked partial (P), which tend writes only for lines over 64 KiB. */
  partialRecords: number;
}

function lineNumber(buf: Buffer, start: number, end: number, padding: Buffer): number {
  if (end - start !== padding.length + 15 || buf.compare(HEAD, 0, 5, start, start + 5) !== 0) return -1;
  if (buf[start + 14] !== SPACE || buf.compare(padding, 0, padding.length, start + 15, end) !== 0) return -1;
  let n = 0;
  for (let i = start + 5; i < start + 14; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Checks a log against the generator's n lines of `width` bytes. `cri` logs are
 * "<timestamp> <stream> <P|F> <text>": P pieces are joined to the next record, as a CRI reader does.
 */
export function checkLog(file: string, n: number, format: "cri" | "raw", width = DEFAULT_WIDTH): LineCheck {
  const buf = readFileSync(file);
  const padding = pad(width);
  const seen = new Uint8Array(n + 1);
  const result: LineCheck = { intact: 0, lost: 0, broken: 0, duplicated: 0, outOfOrder: 0, partialRecords: 0 };
  let last = 0;
  let joined: Buffer[] = [];
  const take = (text: Buffer, start: number, end: number) => {
    const k = lineNumber(text, start, end, padding);
    if (k < 1 || k > n) {
      result.broken++;
      return;
    }
    if (seen[k]) result.duplicated++;
    else if (k < last) result.outOfOrder++;
    else result.intact++;
    seen[k] = 1;
    last = k;
  };
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(LF, start);
    if (end < 0) end = buf.length;
    if (format === "raw") {
      take(buf, start, end);
    } else {
      // Timestamp and stream name hold no spaces; the tag is one letter.
      const s1 = buf.indexOf(SPACE, start);
      const s2 = s1 < 0 ? -1 : buf.indexOf(SPACE, s1 + 1);
      if (s1 < 0 || s2 < 0 || s2 + 3 > end || buf[s2 + 2] !== SPACE) {
        result.broken++;
      } else if (buf[s2 + 1] === 0x50 /* P */) {
        result.partialRecords++;
        joined.push(buf.subarray(s2 + 3, end));
      } else if (joined.length > 0) {
        const whole = Buffer.concat([...joined, buf.subarray(s2 + 3, end)]);
        joined = [];
        take(whole, 0, whole.length);
      } else {
        take(buf, s2 + 3, end);
      }
    }
    start = end + 1;
  }
  if (joined.length > 0) result.broken++;
  for (let k = 1; k <= n; k++) if (!seen[k]) result.lost++;
  return result;
}

/**
 * Cheap look at the end of a log while it grows: the file's size, and whether its last complete
 * line carries `lastLine` (the generator's final line), in whatever format the tool writes.
 */
export function tailHas(file: string, lastLine: string): { size: number; done: boolean } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return { size: 0, done: false };
  }
  try {
    const size = fstatSync(fd).size;
    const want = Buffer.from(`${lastLine}\n`);
    if (size < want.length) return { size, done: false };
    const tail = Buffer.alloc(want.length);
    readSync(fd, tail, 0, want.length, size - want.length);
    return { size, done: tail.equals(want) };
  } finally {
    closeSync(fd);
  }
}

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
