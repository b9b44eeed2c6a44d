import { enterRawMode, ScreenModes, type RawTerminal } from "../cli/raw-terminal";

const ALT_SCREEN_ON = "\x1b[?1049h";
const CURSOR_HIDDEN = "\x1b[?25l";

/**
 * The terminal while the UI owns it: raw mode, the alternate screen, the cursor hidden. Handing
 * it over (attach, a pager) and taking it back are `leave` and `enter`; whatever happens —
 * quitting, a signal, a crash — `leave` runs once more on exit, so the user's terminal is left
 * as it was found.
 */
export class FullScreen {
  private raw: RawTerminal | null = null;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  get size(): { cols: number; rows: number } {
    return { cols: Math.max(1, this.out.columns || 80), rows: Math.max(1, this.out.rows || 24) };
  }

  write(text: string): void {
    this.out.write(text);
  }

  enter(): void {
    if (this.raw) return;
    const modes = new ScreenModes();
    modes.feed(Buffer.from(ALT_SCREEN_ON));
    this.raw = enterRawMode(modes);
    this.out.write(ALT_SCREEN_ON + CURSOR_HIDDEN);
  }

  /** The normal screen and cooked mode again, the cursor shown: as before `enter`. */
  leave(): void {
    this.raw?.restore();
    this.raw = null;
  }
}
