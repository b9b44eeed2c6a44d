import { splitName } from "../core/names";
import { NameColors, dim, paint } from "./colors";

/** Narrowest name column: `tend`, whose notices share it. */
const MIN_WIDTH = 4;

/**
 * The `name | ` in front of every line of `tend start` and `tend logs`: one formatter, so the
 * two line up, with names padded to the longest and coloured by `NameColors`. Processes of one
 * project are shown by their names within it (`web`, not `shop/web`).
 */
export class NamePrefix {
  private width: number;
  private readonly colors: NameColors;
  private readonly cache = new Map<string, string>();
  /** The project every name shares, left out of what is shown; null when they differ. */
  private readonly shared: string | null;

  constructor(
    names: string[],
    private readonly color: boolean,
  ) {
    const projects = new Set(names.map((n) => splitName(n).project));
    this.shared = projects.size === 1 ? [...projects][0]! : null;
    this.width = Math.max(MIN_WIDTH, ...names.map((n) => this.shown(n).length));
    this.colors = new NameColors(names);
  }

  private shown(name: string): string {
    const { project, name: local } = splitName(name);
    return project !== null && project === this.shared ? local : name;
  }

  /** `web    | `; a name longer than any so far widens the column from here on. */
  line(name: string): string {
    let p = this.cache.get(name);
    if (p === undefined) {
      if (this.shown(name).length > this.width) {
        this.width = this.shown(name).length;
        this.cache.clear();
      }
      p = `${this.label(name)} ${dim("|", this.color)} `;
      this.cache.set(name, p);
    }
    return p;
  }

  /** The padded, coloured name alone (null: tend itself, dimmed). */
  label(name: string | null): string {
    const padded = (name === null ? "tend" : this.shown(name)).padEnd(this.width);
    return name === null ? dim(padded, this.color) : paint(padded, this.colors.of(name), this.color);
  }
}
