const UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
};

// Largest unit first; "ms" must be tried before "m" so "250ms" is not read as 250 minutes.
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;

export class DurationError extends Error {
  constructor(readonly input: string | number) {
    super(`invalid duration "${input}": expected a number with a unit, like 500ms, 2s, 1m30s or 1h`);
    this.name = "DurationError";
  }
}

export class SizeError extends Error {
  constructor(readonly input: string | number) {
    super(`invalid size "${input}": expected bytes or a size like 512KiB, 10MiB, 1GiB`);
    this.name = "SizeError";
  }
}

/**
 * Milliseconds. A bare number is already milliseconds; a string needs units ("1m30s"), largest
 * first, but for "0", which means the same in every unit.
 */
export function parseDuration(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) throw new DurationError(input);
    return input;
  }
  const text = input.trim();
  if (text === "0") return 0;
  if (text === "") throw new DurationError(input);
  let total = 0;
  let pos = 0;
  let lastUnitMs = Infinity;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const match = DURATION_PART.exec(text);
    if (!match) throw new DurationError(input);
    const unitMs = UNIT_MS[match[2]!]!;
    // "30s1m" or "1s2s" is more likely a typo than an intent; refuse rather than guess.
    if (unitMs >= lastUnitMs) throw new DurationError(input);
    lastUnitMs = unitMs;
    total += Number(match[1]) * unitMs;
    pos = DURATION_PART.lastIndex;
  }
  return Math.round(total);
}

/** Compact human form: 850ms, 2.5s, 1m30s, 2h5m, 3d4h. Precision drops as the value grows. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;

  const wholeMs = Math.round(ms);
  if (wholeMs === 0) return "0s";
  if (wholeMs < 1000) return `${wholeMs}ms`;

  const tenths = Math.round(ms / 100);
  if (tenths < 100) return tenths % 10 === 0 ? `${tenths / 10}s` : `${(tenths / 10).toFixed(1)}s`;

  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return pair(Math.floor(seconds / 60), "m", seconds % 60, "s");

  const minutes = Math.round(ms / 60_000);
  if (minutes < 1440) return pair(Math.floor(minutes / 60), "h", minutes % 60, "m");

  const hours = Math.round(ms / 3_600_000);
  return pair(Math.floor(hours / 24), "d", hours % 24, "h");
}

function pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${minor}${minorUnit}`;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?)(b?)|(b))?$/i;
const SIZE_POWER: Record<string, number> = { k: 1, m: 2, g: 3, t: 4 };

/**
 * Bytes. KB/MB/GB are powers of 1000 as SI says; KiB/MiB/GiB and the bare K/M/G shorthands
 * are powers of 1024, because that is what people mean when they type "512K".
 */
export function parseSize(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) throw new SizeError(input);
    return Math.round(input);
  }
  const match = SIZE.exec(input.trim());
  if (!match) throw new SizeError(input);
  const value = Number(match[1]);
  const prefix = match[2]?.toLowerCase();
  if (prefix === undefined) return Math.round(value);
  const binary = match[3] !== "" || match[4] === "";
  const base = binary ? 1024 : 1000;
  return Math.round(value * base ** SIZE_POWER[prefix]!);
}
