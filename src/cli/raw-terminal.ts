/**
 * Modes a full-screen program may have left on in the terminal it drew on, each turned off: after
 * a detach the user's own terminal must not keep a hidden cursor, report the mouse or wrap
 * pastes. On a terminal without them each is a no-op.
 */
const MODES_OFF = [
  "\x1b[?25h", // cursor shown
  "\x1b[0 q", // the terminal's own cursor shape
  "\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l", // mouse reporting
  "\x1b[?1004l", // focus reports
  "\x1b[?2004l", // bracketed paste
  "\x1b[?1l\x1b>", // cursor and keypad keys in normal mode
  "\x1b[>4m", // modified keys reported as usual (vim turns this on)
  "\x1b[4l\x1b[?7h\x1b[?45l", // no insert mode, wrap at the margin, no reverse wrap
  "\x1b7\x1b[r\x1b8", // the whole screen scrolls again (setting it homes the cursor: put back)
  "\x1b(B", // ASCII, not line drawing
  "\x1b[0m", // colours and attributes
].join("");

// Leaving the alternate screen also restores a saved cursor position, so it is sent only when
// the program really entered it.
const ALT_SCREEN = /\x1b\[\?(?:1049|1047|47)([hl])/g;
const ALT_SCREEN_OFF = "\x1b[?1049l";

/** Follows the program's output to know whether it left the terminal in the alternate screen. */
export class ScreenModes {
  private altScreen = false;

  feed(bytes: Uint8Array): void {
    if (!bytes.includes(0x1b)) return;
    for (const m of Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1").matchAll(ALT_SCREEN)) {
      this.altScreen = m[1] === "h";
    }
  }

  get resetSequence(): string {
    return (this.altScreen ? ALT_SCREEN_OFF : "") + MODES_OFF;
  }
}

export interface RawTerminal {
  /** Cooked mode again, and the program's modes off. Idempotent; also runs if the process exits first. */
  restore(): void;
}

/**
 * Puts the terminal on stdin in raw mode: every key reaches us as bytes (Ctrl-C included) and
 * nothing is echoed, since the process's own terminal does that.
 */
export function enterRawMode(modes: ScreenModes): RawTerminal {
  process.stdin.setRawMode(true);
  // Bun's raw mode keeps output processing, which turns every "\n" into "\r\n"; the process's
  // own terminal already did that, and a full-screen program that turned it off there means a
  // bare line feed. setRawMode(false) restores the flag with the rest.
  try {
    Bun.spawnSync(["stty", "-opost"], { stdin: "inherit", stdout: "ignore", stderr: "ignore" });
  } catch {
    // Without stty, only a bare line feed is drawn wrongly.
  }
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off("exit", restore);
    // A terminal that went away fails both (EIO): there is nothing left to restore then.
    try {
      process.stdin.setRawMode(false);
      if (process.stdout.isTTY) process.stdout.write(modes.resetSequence);
    } catch {
      // See above.
    }
  };
  process.on("exit", restore);
  return { restore };
}

export function windowSize(): { cols: number; rows: number } | null {
  const { columns, rows } = process.stdout;
  return process.stdout.isTTY && columns > 0 && rows > 0 ? { cols: columns, rows } : null;
}

/** Calls `onSize` now and whenever the window is resized; returns the unsubscribe function. */
export function watchWindowSize(onSize: (size: { cols: number; rows: number }) => void): () => void {
  const tell = () => {
    const size = windowSize();
    if (size) onSize(size);
  };
  tell();
  process.on("SIGWINCH", tell);
  return () => process.off("SIGWINCH", tell);
}
