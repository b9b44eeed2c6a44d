/**
 * Text measured in terminal columns: every row the UI draws is cut or padded to the width of
 * the screen, whatever it holds (wide characters, combining marks, colour escapes).
 */

const SGR = /\x1b\[[0-9;]*m/g;
// Anything else a process may print that would move the cursor or change the terminal.
const CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * Characters kept of a line: more than any screen is wide, so a 1 MiB line costs the UI (and
 * every frame that measures it) no more than a short one; `p` shows a log whole.
 */
const KEPT_CHARS = 4096;

/** A line of output as it may be drawn: tabs as spaces, no escapes or control characters, not endless. */
export function printable(line: string): string {
  const kept = line.length > KEPT_CHARS ? line.slice(0, KEPT_CHARS) : line;
  return kept.replace(/\t/g, "    ").replace(CONTROL, "");
}

export function width(text: string): number {
  return Bun.stringWidth(text);
}

/**
 * `text` (which may hold SGR escapes) cut to `cols` columns and padded to exactly that width;
 * an escape in force where it is cut is reset.
 */
export function fit(text: string, cols: number): string {
  if (cols <= 0) return "";
  const w = width(text);
  if (w <= cols) return text + " ".repeat(cols - w);
  let out = "";
  let used = 0;
  let styled = false;
  for (let i = 0; i < text.length; ) {
    if (text[i] === "\x1b") {
      SGR.lastIndex = i;
      const m = SGR.exec(text);
      if (m && m.index === i) {
        out += m[0];
        styled = m[0] !== "\x1b[0m" && m[0] !== "\x1b[m";
        i += m[0].length;
        continue;
      }
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    const cw = width(ch);
    if (used + cw > cols - 1) break;
    out += ch;
    used += cw;
    i += ch.length;
  }
  out += "…";
  used += 1;
  return `${out}${styled ? "\x1b[0m" : ""}${" ".repeat(Math.max(0, cols - used))}`;
}

/** Plain text padded or cut to `cols` (no ellipsis), for table cells. */
export function cell(text: string, cols: number): string {
  return width(text) > cols ? fit(text, cols) : text + " ".repeat(cols - width(text));
}

/** Styles: no-ops when colour is off, except reverse video (no colour, and selection needs it). */
export interface Style {
  color: boolean;
}

export function fg(text: string, code: number, s: Style): string {
  return s.color ? `\x1b[${code}m${text}\x1b[39m` : text;
}

export function dimmed(text: string, s: Style): string {
  return s.color ? `\x1b[2m${text}\x1b[22m` : text;
}

export function bold(text: string): string {
  return `\x1b[1m${text}\x1b[22m`;
}

export function inverse(text: string): string {
  return `\x1b[7m${text}\x1b[27m`;
}
