import type { IBufferCell } from "@xterm/headless";
import type { CapturedLine } from "../core/screen-capture";
import { rowAnsi, rowText, type XtermLine } from "./screen-rows";

/**
 * The rows that scrolled off the top of a terminal, oldest first: a ring of one string a row
 * (the row with its colours as SGR escapes, which for most rows is the bare text), about a
 * tenth of what the terminal itself spends on a row (12 bytes a cell).
 *
 * A row comes in as xterm.js's own and is rendered to its string once the flood that brought it
 * is over (`compact`) or someone reads it: in a flood most rows are pushed out again before
 * then, and rendering them all would cost more than parsing them did.
 */
export class ScreenHistory {
  private readonly rows: Array<string | XtermLine> = [];
  /** Where the oldest row is, once the ring is full. */
  private start = 0;
  private raw = 0;

  constructor(
    private readonly capacity: number,
    private readonly scratch: IBufferCell,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  /**
   * Takes the row itself, not a copy: one that left xterm.js's history is never used by it
   * again (it reuses only rows it holds, and only once its history is full, which the hand-off
   * never lets it be).
   */
  push(row: XtermLine): void {
    this.raw++;
    if (this.rows.length < this.capacity) {
      this.rows.push(row);
      return;
    }
    if (typeof this.rows[this.start] !== "string") this.raw--;
    this.rows[this.start] = row;
    this.start = (this.start + 1) % this.capacity;
  }

  clear(): void {
    this.rows.length = 0;
    this.start = 0;
    this.raw = 0;
  }

  /** Renders every row still held as xterm.js's. */
  compact(): void {
    if (this.raw === 0) return;
    for (let k = 0; k < this.rows.length; k++) this.rendered(k);
  }

  /** The newest `count` rows, oldest first. */
  last(count: number): CapturedLine[] {
    const n = Math.min(count, this.rows.length);
    const out: CapturedLine[] = [];
    for (let k = this.rows.length - n; k < this.rows.length; k++) {
      const ansi = this.rendered((this.start + k) % this.rows.length);
      out.push({ text: rowText(ansi), ansi });
    }
    return out;
  }

  private rendered(at: number): string {
    const row = this.rows[at]!;
    if (typeof row === "string") return row;
    const ansi = rowAnsi(row, this.scratch);
    this.rows[at] = ansi;
    this.raw--;
    return ansi;
  }
}
