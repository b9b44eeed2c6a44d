/**
 * The CRI container log format (`<RFC3339Nano> <stdout|stderr> <F|P> <text>`), as written by
 * Kubernetes runtimes and read by fluent-bit, vector and promtail without configuration.
 */
export type StreamName = "stdout" | "stderr";

/**
 * Readers join the `P` pieces of a line up to this many bytes; a longer line is handed on in
 * parts of this size, so no reader holds a line of unbounded length in memory.
 */
export const JOIN_LIMIT = 1024 * 1024;

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_MS = 1_000_000n;

// Formatting runs once per log line; the date part only changes once a second.
let cachedSecondStart = 1n;
let cachedSecondEnd = 0n;
let cachedPrefix = "";

/** UTC, always nine fraction digits, so timestamps sort as text in the same order as in time. */
export function formatTimestamp(epochNs: bigint): string {
  if (epochNs < cachedSecondStart || epochNs >= cachedSecondEnd) {
    let seconds = epochNs / NS_PER_SECOND;
    if (seconds * NS_PER_SECOND > epochNs) seconds -= 1n;
    cachedSecondStart = seconds * NS_PER_SECOND;
    cachedSecondEnd = cachedSecondStart + NS_PER_SECOND;
    cachedPrefix = new Date(Number(seconds) * 1000).toISOString().slice(0, -5) + ".";
  }
  const fraction = String(Number(epochNs - cachedSecondStart));
  return cachedPrefix + "000000000".slice(fraction.length) + fraction + "Z";
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Epoch nanoseconds of an RFC 3339 timestamp (0–9 fraction digits, "Z" or an offset), or null. */
export function parseTimestamp(ts: string): bigint | null {
  const m = TIMESTAMP.exec(ts);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;

  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return null;
  date.setUTCHours(hour, minute, second, 0);

  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offHours = Number(m[10]);
    const offMinutes = Number(m[11]);
    if (offHours > 23 || offMinutes > 59) return null;
    offsetMinutes = (offHours * 60 + offMinutes) * (m[9] === "-" ? -1 : 1);
  }

  const fractionNs = m[7] === undefined ? 0n : BigInt(m[7].padEnd(9, "0"));
  return BigInt(date.getTime() - offsetMinutes * 60_000) * NS_PER_MS + fractionNs;
}

const encoder = new TextEncoder();

/** What comes before the text of a log line: `<ts> <stream> <F|P> `. */
export function criPrefix(ts: string, stream: StreamName, partial: boolean): string {
  return `${ts} ${stream} ${partial ? "P" : "F"} `;
}

/** One complete log line: prefix, the text bytes as they are, and "\n". `text` must not contain "\n". */
export function encodeCriLine(ts: string, stream: StreamName, partial: boolean, text: Uint8Array): Uint8Array {
  const prefix = criPrefix(ts, stream, partial);
  // The prefix is ASCII, so its byte length is its string length.
  const out = new Uint8Array(prefix.length + text.length + 1);
  encoder.encodeInto(prefix, out);
  out.set(text, prefix.length);
  out[out.length - 1] = 10;
  return out;
}

export interface CriRecord {
  ts: string;
  timeNs: bigint;
  stream: StreamName;
  partial: boolean;
  text: string;
}

/** Parses one line (without its "\n"); null when it is not a CRI log line. */
export function parseCriLine(line: string): CriRecord | null {
  const s1 = line.indexOf(" ");
  if (s1 <= 0) return null;
  const s2 = line.indexOf(" ", s1 + 1);
  if (s2 === -1) return null;
  const stream = line.slice(s1 + 1, s2);
  if (stream !== "stdout" && stream !== "stderr") return null;

  // An empty line may have lost its separator after the tag; treat it as empty text.
  let s3 = line.indexOf(" ", s2 + 1);
  if (s3 === -1) s3 = line.length;
  // The tag field may carry further ":"-separated tags after F/P, as the CRI spec allows.
  const tags = line.slice(s2 + 1, s3);
  const flag = tags.split(":", 1)[0];
  if (flag !== "F" && flag !== "P") return null;

  const ts = line.slice(0, s1);
  const timeNs = parseTimestamp(ts);
  if (timeNs === null) return null;
  return { ts, timeNs, stream, partial: flag === "P", text: line.slice(s3 + 1) };
}
