/** Colour decisions for human output: FORCE_COLOR forces, NO_COLOR or a non-TTY disables. */
export function colorEnabled(stream: { isTTY?: boolean }, env = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

/** The SGR colour of each process state, wherever a state is shown. */
export const STATE_COLOR: Record<string, number> = {
  running: 32, ready: 32, starting: 36, queued: 36, backoff: 33, stopping: 33,
  crashed: 31, parked: 31, exited: 90, stopped: 90,
};

const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/**
 * Colours for a set of names: each its own, by its place in alphabetical order, so the same set
 * gets the same colours in every run and in `start` and `logs` alike (a hash gave `js` and `css`
 * the same one). A name outside the set takes the next free place.
 */
export class NameColors {
  private readonly index = new Map<string, number>();

  constructor(names: string[]) {
    for (const name of [...new Set(names)].sort()) this.index.set(name, this.index.size);
  }

  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) this.index.set(name, (i = this.index.size));
    return PALETTE[i % PALETTE.length]!;
  }
}

export function paint(text: string, code: number, on: boolean): string {
  return on ? `\x1b[${code}m${text}\x1b[39m` : text;
}

export function dim(text: string, on: boolean): string {
  return on ? `\x1b[2m${text}\x1b[22m` : text;
}
