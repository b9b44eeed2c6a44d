/**
 * Output that scrolls past before anyone could see it need not be parsed. A terminal that
 * takes in a long run of plain lines (text, colours, carriage returns, line feeds, erase to
 * end of line) ends with the same screen and the same history whether or not it parsed the
 * start of the run, as long as what it does parse afterwards pushes every earlier row out of
 * reach: `seq 1 1000000` only has to be parsed for its last rows.
 *
 * Why it holds: none of these bytes moves the cursor up, changes a mode, the scroll region or
 * the tab stops, or leaves the parser inside a sequence; they only write the cursor's row, move
 * the cursor along it, set colours, and feed lines. So once both terminals (the one that parsed
 * the skipped part and the one that did not) are at column 0 with the same colours, each line
 * feed after the cut makes them write the same rows; after `rows - 1` of them both cursors
 * are on the bottom row, and after `rows + history` more every row from before has left the
 * screen and the history.
 */

/** Where to cut, and the colour changes of the skipped part that must still be applied. */
export interface SkipPlan {
  /** Parse from here on; [from, cut) is skipped. Always just after a CR LF. */
  cut: number;
  /** SGR sequences (start, end) of the skipped part that set the colours in force at `cut`. */
  replay: Array<[number, number]>;
}

/** More colour changes than this since the last reset: parse instead of replaying them. */
const MAX_REPLAY = 64;

/**
 * What may not be skipped, in output read as latin1 (one character a byte): C0 controls other
 * than BEL, BS, TAB, LF and CR; bytes that decode to a C1 control (U+0080–U+009F) or might
 * (an overlong lead, a lead at the end); an ESC that does not start a whole SGR (`ESC [ … m`)
 * or erase in line (`ESC [ … K`). Printable text, DEL and other UTF-8 may stand.
 */
const NOT_PLAIN = /[\x00-\x06\x0b\x0c\x0e-\x1a\x1c-\x1f\xc0\xc1]|\xc2(?:[\x80-\x9f]|$)|\x1b(?!\[[0-9;:]*[mK])/g;

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");

/** Whether the SGR whose parameters start at `at` starts with a reset (`ESC[m`, `ESC[0m`, `ESC[0;31m`). */
function resetsFirst(text: string, at: number): boolean {
  for (let i = at; ; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3b || c === 0x6d) return true;
    if (c !== 0x30) return false;
  }
}

/**
 * The longest skip in `bytes` from `from` (which must be where a terminal at column 0, with
 * the full screen as its scroll region and its parser at rest, stands) that leaves at least
 * `keepLines` line feeds of plain output after the cut; null when there is none. The searching
 * is done by the runtime's own string and regular expression code, so that it costs little
 * even before the JIT has warmed up (the first flood of a new supervisor).
 */
export function scrolledPast(bytes: Uint8Array, from: number, keepLines: number): SkipPlan | null {
  const text = latin1(bytes);
  NOT_PLAIN.lastIndex = from;
  const plainEnd = NOT_PLAIN.exec(text)?.index ?? text.length;
  // The line feed before the last `keepLines` ones, then back to one that follows a CR.
  let lf = plainEnd;
  for (let n = 0; n <= keepLines; n++) {
    lf = text.lastIndexOf("\n", lf - 1);
    if (lf < from) return null;
  }
  while (lf - 1 < from || text.charCodeAt(lf - 1) !== 0x0d) {
    lf = text.lastIndexOf("\n", lf - 1);
    if (lf < from) return null;
  }
  const cut = lf + 1;
  // The colour changes before the cut, back to the last that starts with a reset.
  const replay: Array<[number, number]> = [];
  for (let esc = text.lastIndexOf("\x1b", cut - 1); esc >= from; esc = text.lastIndexOf("\x1b", esc - 1)) {
    let end = esc + 2;
    while (text.charCodeAt(end) !== 0x6d && text.charCodeAt(end) !== 0x4b) end++;
    if (text.charCodeAt(end) === 0x4b) continue;
    replay.unshift([esc, end + 1]);
    if (resetsFirst(text, esc + 2)) break;
    if (replay.length > MAX_REPLAY) return null;
  }
  return { cut, replay };
}
