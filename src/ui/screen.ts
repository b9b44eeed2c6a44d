/**
 * Draws whole frames on the alternate screen, writing only the rows that changed since the
 * last frame: an idle UI writes nothing, and a log flood rewrites just the log rows.
 */
export class Screen {
  private last: string[] = [];

  constructor(private readonly write: (text: string) => void) {}

  /** Forget what is shown, so the next frame is drawn whole (after a resize or an attach). */
  invalidate(): void {
    this.last = [];
    this.write("\x1b[2J");
  }

  /** Rows no wider than the screen; a row is erased before it is written, so a shorter one leaves nothing behind. */
  draw(rows: string[]): void {
    let out = "";
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === this.last[i]) continue;
      out += `\x1b[${i + 1};1H\x1b[2K${rows[i]}\x1b[0m`;
    }
    this.last = rows;
    // Synchronized output: terminals that know it show the frame at once, the rest ignore it.
    if (out) this.write(`\x1b[?2026h${out}\x1b[?2026l`);
  }
}
