import { TendError } from "./errors";

/**
 * What `tend capture` reads: the screen of a `--tty` session (and the history above it) as the
 * supervisor's terminal model holds it, or as the screen file of a finished session kept it.
 */
export interface ScreenCapture {
  cols: number;
  rows: number;
  /** 0-based, on the screen (not counting scrollback). */
  cursor: { x: number; y: number; visible: boolean };
  /** A full-screen program has the alternate screen up; that screen has no scrollback. */
  alternate: boolean;
  /** How many of `lines` come before the screen. */
  scrollback: number;
  /** Scrollback (oldest first), then the screen's `rows` rows; trailing blanks trimmed. */
  lines: CapturedLine[];
}

export interface CapturedLine {
  text: string;
  /** The same text with SGR escapes for its colours and attributes, ending in a reset. */
  ansi: string;
}

/** Lines of history a `--tty` session keeps above its screen. */
export const SCREEN_SCROLLBACK = 1000;

/** The capture with at most `scrollback` lines of history left above the screen. */
export function withScrollback(capture: ScreenCapture, scrollback: number): ScreenCapture {
  const keep = Math.max(0, Math.min(scrollback, capture.scrollback));
  return { ...capture, scrollback: keep, lines: capture.lines.slice(capture.scrollback - keep) };
}

/** The lines as `tend capture` prints them: text, or with colours. */
export function captureText(capture: ScreenCapture, ansi: boolean): string {
  return capture.lines.map((l) => `${ansi ? l.ansi : l.text}\n`).join("");
}

/** The `--json` shape: the capture with each line as one string. */
export function captureJson(name: string, capture: ScreenCapture, ansi: boolean): string {
  const { lines, ...rest } = capture;
  return `${JSON.stringify({ name, ...rest, lines: lines.map((l) => (ansi ? l.ansi : l.text)) })}\n`;
}

/**
 * What attaching to a finished session shows: its last screen, drawn on the lines below the
 * prompt rather than over the attaching terminal's screen, without the blank rows under it.
 */
export function lastScreenText(capture: ScreenCapture, ansi: boolean, eol: string): string {
  const screen = capture.lines.slice(capture.scrollback);
  let end = screen.length;
  while (end > 0 && screen[end - 1]!.text === "") end--;
  return screen
    .slice(0, end)
    .map((l) => `${ansi ? l.ansi : l.text}${eol}`)
    .join("");
}

/** Why a process has no screen to capture: it runs without a terminal, or none was kept. */
export function noScreen(name: string, tty: boolean): TendError {
  return tty
    ? new TendError(`"${name}" left no screen`, "no_screen", `its output is in "tend logs ${name}"`)
    : new TendError(`"${name}" has no terminal, so no screen`, "no_screen", `its output is in "tend logs ${name}"; a session started with "tend bg --tty" has one`);
}
