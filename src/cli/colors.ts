/** Colour decisions for human output: FORCE_COLOR forces, NO_COLOR or a non-TTY disables. */
export function colorEnabled(stream: { isTTY?: boolean }, env = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/** The same name always gets the same colour, across runs and terminals. */
export function colorFor(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length]!;
}

export function paint(text: string, code: number, on: boolean): string {
  return on ? `\x1b[${code}m${text}\x1b[39m` : text;
}

export function dim(text: string, on: boolean): string {
  return on ? `\x1b[2m${text}\x1b[22m` : text;
}
