import type { SerializeAddon } from "@xterm/addon-serialize";
import type { Terminal } from "@xterm/headless";
import { SCREEN_SCROLLBACK, type ScreenCapture } from "../core/screen-capture";
import { writeScreenFile } from "../platform/screen-file";
import { renderRow } from "./screen-rows";

type Xterm = { Terminal: typeof Terminal; SerializeAddon: typeof SerializeAddon };
let xterm: Xterm | null = null;

/**
 * Loaded on the first `--tty` session, synchronously (the process spawns in one go): a
 * supervisor of workers and pipe sessions never pays for a terminal emulator.
 */
function loadXterm(): Xterm {
  xterm ??= {
    Terminal: (require("@xterm/headless") as typeof import("@xterm/headless")).Terminal,
    SerializeAddon: (require("@xterm/addon-serialize") as typeof import("@xterm/addon-serialize")).SerializeAddon,
  };
  return xterm;
}

/** xterm.js keeps these outside its public API; the version is pinned, and the tests cover them. */
interface XtermInternals {
  buffer: { scrollTop: number; scrollBottom: number };
  coreService: { isCursorHidden: boolean; decPrivateModes: { cursorStyle?: string; cursorBlink?: boolean } };
  coreMouseService: { activeEncoding: string };
}

const CURSOR_SHAPES: Record<string, number> = { block: 1, underline: 3, bar: 5 };

/**
 * The state of a `--tty` session's terminal, kept by feeding it everything the program writes:
 * what an attaching terminal is brought to, and what `tend capture` reads.
 */
export class ScreenModel {
  private readonly term: Terminal;
  private readonly serializer: SerializeAddon;

  constructor(cols: number, rows: number) {
    const x = loadXterm();
    this.term = new x.Terminal({ cols, rows, scrollback: SCREEN_SCROLLBACK, allowProposedApi: true });
    this.serializer = new x.SerializeAddon();
    this.term.loadAddon(this.serializer);
  }

  write(chunk: Uint8Array): void {
    // Parsed later, in slices; the producer may reuse its buffer once we return.
    this.term.write(chunk.slice());
  }

  resize(cols: number, rows: number): void {
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.term.cols, rows: this.term.rows };
  }

  /** Calls `done` once everything written so far has been parsed. */
  whenCurrent(done: () => void): void {
    this.term.write("", done);
  }

  /**
   * What brings a terminal of this size, whatever it showed, to this screen: contents and
   * colours, the alternate screen, scroll region, cursor and modes. It asks the terminal
   * nothing, so nothing comes back from it as if typed.
   */
  snapshot(): string {
    const internals = (this.term as unknown as { _core: XtermInternals })._core;
    const { scrollTop, scrollBottom } = internals.buffer;
    let out = `\x1b[0m\x1b[r\x1b[H\x1b[2J${this.serializer.serialize({ scrollback: 0 })}`;
    if (scrollTop !== 0 || scrollBottom !== this.term.rows - 1) out += `\x1b[${scrollTop + 1};${scrollBottom + 1}r`;
    const active = this.term.buffer.active;
    const y = this.term.modes.originMode ? active.cursorY - scrollTop : active.cursorY;
    out += `\x1b[${y + 1};${Math.min(active.cursorX, this.term.cols - 1) + 1}H`;
    if (internals.coreService.isCursorHidden) out += "\x1b[?25l";
    if (internals.coreMouseService.activeEncoding === "SGR") out += "\x1b[?1006h";
    const { cursorStyle, cursorBlink } = internals.coreService.decPrivateModes;
    if (cursorStyle && CURSOR_SHAPES[cursorStyle]) out += `\x1b[${CURSOR_SHAPES[cursorStyle]! + (cursorBlink ? 0 : 1)} q`;
    return out;
  }

  /** The screen and up to `scrollback` lines of history above it, as rows of text. */
  capture(scrollback = SCREEN_SCROLLBACK): ScreenCapture {
    const buffer = this.term.buffer.active;
    const { cols, rows } = this.term;
    const history = Math.min(scrollback, buffer.baseY);
    const scratch = buffer.getNullCell();
    const lines = [];
    for (let y = buffer.baseY - history; y < buffer.baseY + rows; y++) {
      const line = buffer.getLine(y);
      lines.push(line ? renderRow(line, cols, scratch) : { text: "", ansi: "" });
    }
    const hidden = (this.term as unknown as { _core: XtermInternals })._core.coreService.isCursorHidden;
    return {
      cols,
      rows,
      cursor: { x: Math.min(buffer.cursorX, cols - 1), y: buffer.cursorY, visible: !hidden },
      alternate: buffer.type === "alternate",
      scrollback: history,
      lines,
    };
  }

  dispose(): void {
    this.term.dispose();
  }
}

/**
 * Keeps the screen in `file` once everything written so far is in it, for `tend capture` and
 * `tend attach` after the supervisor is gone. A screen that cannot be kept costs only that:
 * the output itself is in the log.
 */
export function saveScreen(model: ScreenModel, file: string): Promise<void> {
  return new Promise((resolve) =>
    model.whenCurrent(() => {
      try {
        writeScreenFile(file, model.capture());
      } catch {
        // See above.
      }
      resolve();
    }),
  );
}
