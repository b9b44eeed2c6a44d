import { NameColors, dim, paint } from "./colors";

/** Narrowest name column: `tend`, whose notices share it. */
const MIN_WIDTH = 4;

/**
 * The `name | ` in front of every line of `tend start` and `tend logs`: one formatter, so the
 * two line up, with names padded to the longest and coloured by `NameColors`.
 */
export class NamePrefix {
  private width: number;
  private readonly colors: NameColors;
  private readonly cache = new Map<string, string>();

  constructor(
    names: string[],
    private readonly color: boolean,
  ) {
    this.width = Math.max(MIN_WIDTH, ...names.map((n) => n.length));
    this.colors = new NameColors(names);
  }

  /** `web    | `; a name longer than any so far widens the column from here on. */
  line(name: string): string {
    let p = this.cache.get(name);
    if (p === undefined) {
      if (name.length > this.width) {
        this.width = name.length;
        this.cache.clear();
      }
      p = `${this.label(name)} ${dim("|", this.color)} `;
      this.cache.set(name, p);
    }
    return p;
  }

  /** The padded, coloured name alone (null: tend itself, dimmed). */
  label(name: string | null): string {
    const padded = (name ?? "tend").padEnd(this.width);
    return name === null ? dim(padded, this.color) : paint(padded, this.colors.of(name), this.color);
  }
}
