import type { SerializeAddon } from "@xterm/addon-serialize";
import type { Terminal } from "@xterm/headless";
import { SCREEN_SCROLLBACK, type ScreenCapture } from "../core/screen-capture";
import { scrolledPast } from "../core/scrolled-past";
import { writeScreenFile } from "../platform/screen-file";
import { ScreenHistory } from "./screen-history";
import { renderRow, type XtermLine } from "./screen-rows";

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

/** The parts of xterm.js's buffer that the history hand-off and the skip of scrolled-past output use. */
interface XtermBuffer {
  lines: { isFull: boolean; get(y: number): XtermLine | undefined; trimStart(count: number): void };
  ybase: number;
  ydisp: number;
  savedY: number;
  x: number;
  scrollTop: number;
  scrollBottom: number;
}

/** xterm.js keeps these outside its public API; the version is pinned, and the tests cover them. */
interface XtermInternals {
  buffer: XtermBuffer;
  _bufferService: { buffers: { normal: XtermBuffer; active: XtermBuffer } };
  _inputHandler: { _parser: { currentState: number } };
  coreService: { isCursorHidden: boolean; decPrivateModes: { cursorStyle?: string; cursorBlink?: boolean; reverseWraparound: boolean } };
  coreMouseService: { activeEncoding: string };
  writeSync(data: Uint8Array): void;
}

const CURSOR_SHAPES: Record<string, number> = { block: 1, underline: 3, bar: 5 };

/**
 * Rows of history xterm.js holds (at 12 bytes a cell); when full, the older half moves to the
 * compact history. The newer half is what it pulls back onto a screen that grows.
 */
const XTERM_HISTORY = 64;
/**
 * Output is parsed in batches, so that what scrolls past within one need not be: once the
 * program has been quiet for a moment (then the history's new rows are rendered compact too),
 * when output has waited a while or this much of it waits, or when someone needs the screen.
 */
const QUIET_MS = 20;
const MAX_WAIT_MS = 100;
const MAX_WAIT_BYTES = 2 << 20;
/** xterm.js keeps a decoding buffer as large as the largest write it was given. */
const FEED_BYTES = 4096;
const LF = 0x0a;

/**
 * The state of a `--tty` session's terminal, kept by feeding it everything the program writes:
 * what an attaching terminal is brought to, and what `tend capture` reads. xterm.js keeps the
 * screen and a short history; older rows move to a compact history of our own.
 */
export class ScreenModel {
  private readonly term: Terminal;
  private readonly core: XtermInternals;
  private readonly serializer: SerializeAddon;
  private readonly history: ScreenHistory;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private pendingSince = 0;
  private written = 0;
  private quiet: ReturnType<typeof setTimeout> | null = null;
  /**
   * Whether the model answers the program's terminal queries (device attributes, cursor
   * position, modes): only while no terminal is attached, for one that is answers them itself.
   */
  answersQueries = true;

  /** `answer`: what the terminal replies to the program's queries, for its input. */
  constructor(cols: number, rows: number, answer: (reply: string) => void = () => {}) {
    const x = loadXterm();
    // writeSync is what lets the model decide what to parse; xterm.js warns that it may go.
    this.term = new x.Terminal({ cols, rows, scrollback: XTERM_HISTORY, allowProposedApi: true, logLevel: "off" });
    this.core = (this.term as unknown as { _core: XtermInternals })._core;
    this.serializer = new x.SerializeAddon();
    this.term.loadAddon(this.serializer);
    this.history = new ScreenHistory(SCREEN_SCROLLBACK, this.term.buffer.normal.getNullCell());
    this.term.onScroll(() => this.handOffWhenFull());
    this.term.onData((reply) => {
      if (this.answersQueries) answer(reply);
    });
    // Erase of the history (ED 3, as `clear` sends) and a full reset clear ours too.
    this.term.parser.registerCsiHandler({ final: "J" }, (params) => {
      if (params[0] === 3) this.history.clear();
      return false;
    });
    this.term.parser.registerEscHandler({ final: "c" }, () => {
      this.history.clear();
      return false;
    });
  }

  write(chunk: Uint8Array): void {
    this.written++;
    if (this.pendingBytes === 0) this.pendingSince = performance.now();
    // The producer may reuse its buffer once we return.
    this.pending.push(chunk.slice());
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= MAX_WAIT_BYTES || performance.now() - this.pendingSince >= MAX_WAIT_MS) this.flush();
    if (this.quiet) this.quiet.refresh();
    else this.quiet = setTimeout(() => this.settle(), QUIET_MS);
  }

  resize(cols: number, rows: number): void {
    if (cols === this.term.cols && rows === this.term.rows) return;
    this.flush();
    // A smaller or narrower screen pushes rows into xterm.js's history: room for them first,
    // so that none is dropped before it moves to ours.
    this.term.options.scrollback = SCREEN_SCROLLBACK;
    this.term.resize(cols, rows);
    const normal = this.core._bufferService.buffers.normal;
    if (normal.ybase > XTERM_HISTORY) this.handOff(normal.ybase - XTERM_HISTORY / 2);
    this.term.options.scrollback = XTERM_HISTORY;
  }

  /** How many writes it has had: what tells whether the screen may have changed. */
  get writes(): number {
    return this.written;
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.term.cols, rows: this.term.rows };
  }

  /** Calls `done` once everything written so far has been parsed. */
  whenCurrent(done: () => void): void {
    this.flush();
    done();
  }

  /**
   * What brings a terminal of this size, whatever it showed, to this screen: contents and
   * colours, the alternate screen, scroll region, cursor and modes. It asks the terminal
   * nothing, so nothing comes back from it as if typed.
   */
  snapshot(): string {
    this.flush();
    const internals = this.core;
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
    this.flush();
    const buffer = this.term.buffer.active;
    const { cols, rows } = this.term;
    const alternate = buffer.type === "alternate";
    const wanted = Math.min(scrollback, SCREEN_SCROLLBACK);
    const fromTerm = Math.min(wanted, buffer.baseY);
    // The alternate screen has no history.
    const lines = alternate ? [] : this.history.last(wanted - fromTerm);
    const history = lines.length + fromTerm;
    const scratch = buffer.getNullCell();
    for (let y = buffer.baseY - fromTerm; y < buffer.baseY + rows; y++) {
      const line = buffer.getLine(y);
      lines.push(line ? renderRow(line, scratch) : { text: "", ansi: "" });
    }
    return {
      cols,
      rows,
      cursor: { x: Math.min(buffer.cursorX, cols - 1), y: buffer.cursorY, visible: !this.core.coreService.isCursorHidden },
      alternate,
      scrollback: history,
      lines,
    };
  }

  dispose(): void {
    if (this.quiet) clearTimeout(this.quiet);
    this.pending = [];
    this.term.dispose();
  }

  /** The program paused: what it wrote is parsed, and the rows it pushed into the history rendered. */
  private settle(): void {
    this.quiet = null;
    this.flush();
    this.history.compact();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const batch = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.parse(batch);
  }

  /** Parses a batch, leaving out what would scroll past within it (see scrolled-past.ts). */
  private parse(batch: Uint8Array): void {
    const keepLines = 2 * this.term.rows + SCREEN_SCROLLBACK;
    const firstLine = batch.indexOf(LF) + 1;
    // A line is at least CR LF: a shorter batch cannot hold enough lines to skip any.
    const long = firstLine > 0 && batch.length - firstLine >= 2 * keepLines;
    let rest = 0;
    if (long) {
      this.feed(batch.subarray(0, firstLine));
      rest = firstLine;
      const plan = this.atLineStartAtRest() ? scrolledPast(batch, firstLine, keepLines) : null;
      if (plan) {
        for (const [start, end] of plan.replay) this.feed(batch.subarray(start, end));
        // What this pushes out of the history need never be rendered.
        return this.feed(batch.subarray(plan.cut));
      }
    }
    // Not a flood: what the last ones moved to the history stays there.
    this.history.compact();
    this.feed(batch.subarray(rest));
  }

  private feed(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += FEED_BYTES) this.core.writeSync(bytes.subarray(at, at + FEED_BYTES));
  }

  /** Where scrolledPast may start: column 0, the full screen as scroll region, parser at rest. */
  private atLineStartAtRest(): boolean {
    const b = this.core.buffer;
    return (
      b.x === 0 &&
      b.scrollTop === 0 &&
      b.scrollBottom === this.term.rows - 1 &&
      this.core._inputHandler._parser.currentState === 0 &&
      !this.core.coreService.decPrivateModes.reverseWraparound
    );
  }

  /** Right after a scroll that filled xterm.js's history, before the next one drops its oldest row. */
  private handOffWhenFull(): void {
    const { buffers } = this.core._bufferService;
    if (buffers.active === buffers.normal && buffers.normal.lines.isFull) this.handOff(XTERM_HISTORY / 2);
  }

  /** Moves the oldest `count` rows of xterm.js's history to ours. */
  private handOff(count: number): void {
    const normal = this.core._bufferService.buffers.normal;
    for (let y = 0; y < count; y++) this.history.push(normal.lines.get(y)!);
    // As xterm.js itself trims its history (erase of the history, a smaller scrollback).
    normal.lines.trimStart(count);
    normal.ybase -= count;
    normal.ydisp = Math.max(normal.ydisp - count, 0);
    normal.savedY = Math.max(normal.savedY - count, 0);
  }
}

/** How often a running session's screen is kept on disk while its program writes. */
const KEEP_EVERY_MS = 5000;

function writeScreen(model: ScreenModel, file: string): void {
  try {
    writeScreenFile(file, model.capture());
  } catch {
    // A screen that cannot be kept costs only that: the output itself is in the log.
  }
}

/**
 * Keeps the screen in `file` once everything written so far is in it, for `tend capture` and
 * `tend attach` after the supervisor is gone.
 */
export function saveScreen(model: ScreenModel, file: string): Promise<void> {
  return new Promise((resolve) =>
    model.whenCurrent(() => {
      writeScreen(model, file);
      resolve();
    }),
  );
}

/**
 * Keeps the screen in `file` every few seconds while the program writes, so that a supervisor
 * killed with SIGKILL leaves one not much older than its end. Returns what stops it.
 */
export function keepScreen(model: ScreenModel, file: string): () => void {
  let kept = model.writes;
  const timer = setInterval(() => {
    if (model.writes === kept) return;
    kept = model.writes;
    writeScreen(model, file);
  }, KEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
