import type { IBufferCell, IBufferLine } from "@xterm/headless";
import type { CapturedLine } from "../core/screen-capture";
import { stripSgr } from "../core/sgr";

function colour(base: number, bright: number, extended: number, isRgb: boolean, isPalette: boolean, value: number): string {
  if (isRgb) return `;${extended};2;${(value >> 16) & 255};${(value >> 8) & 255};${value & 255}`;
  if (!isPalette) return "";
  if (value < 8) return `;${base + value}`;
  if (value < 16) return `;${bright + value - 8}`;
  return `;${extended};5;${value}`;
}

/** The SGR that sets a cell's look from scratch (reset first), so each run stands alone. */
function sgrOf(cell: IBufferCell): string {
  let sgr = "0";
  if (cell.isBold()) sgr += ";1";
  if (cell.isDim()) sgr += ";2";
  if (cell.isItalic()) sgr += ";3";
  if (cell.isUnderline()) sgr += ";4";
  if (cell.isBlink()) sgr += ";5";
  if (cell.isInverse()) sgr += ";7";
  if (cell.isInvisible()) sgr += ";8";
  if (cell.isStrikethrough()) sgr += ";9";
  if (cell.isOverline()) sgr += ";53";
  sgr += colour(30, 90, 38, cell.isFgRGB(), cell.isFgPalette(), cell.getFgColor());
  sgr += colour(40, 100, 48, cell.isBgRGB(), cell.isBgPalette(), cell.getBgColor());
  return sgr;
}

/**
 * xterm.js's own row, under the public view (which allocates per cell): three numbers a cell —
 * content (code point, width, whether the text is in `_combined`), then two attribute words.
 */
export interface XtermLine {
  readonly length: number;
  _data: Uint32Array;
  _combined: Record<number, string>;
  loadCell(x: number, cell: IBufferCell): IBufferCell;
}

/** The row under a public view of it. */
export function xtermLine(line: IBufferLine): XtermLine {
  return (line as unknown as { _line: XtermLine })._line;
}

const CODEPOINT = 0x1fffff;
const COMBINED = 0x200000;
const WIDTH_SHIFT = 22;
const COLOUR_MODE = 0x3000000;
const INVERSE = 0x4000000;
/** Underline style and colour live in a side table; such a cell is compared in full. */
const HAS_EXTENDED = 0x10000000;

/**
 * One row with its colours as SGR escapes (each run standing alone), up to its last cell that
 * shows something: a character other than a space, or a blank with a background or reversed
 * (a coloured bar, a reversed cursor).
 */
export function rowAnsi(line: XtermLine, scratch: IBufferCell): string {
  const { _data: data, _combined: combined, length: cols } = line;
  let end = 0;
  for (let x = 0; x < cols; x++) {
    const content = data[3 * x]!;
    const width = content >>> WIDTH_SHIFT;
    if (width === 0) continue;
    const cp = content & CODEPOINT;
    const shown = (content & COMBINED) !== 0 ? combined[x] !== " " : cp !== 0 && cp !== 32;
    if (shown || (data[3 * x + 2]! & COLOUR_MODE) !== 0 || (data[3 * x + 1]! & INVERSE) !== 0) end = x + width;
  }
  // Joined at the end: a string built up one character at a time would be kept as a rope of
  // them, many times its size, for as long as the history holds it.
  const parts: string[] = [];
  let current = "0";
  let fg = 0;
  let bg = 0;
  for (let x = 0; x < end; x++) {
    const content = data[3 * x]!;
    if (content >>> WIDTH_SHIFT === 0) continue;
    const cellFg = data[3 * x + 1]!;
    const cellBg = data[3 * x + 2]!;
    if (cellFg !== fg || cellBg !== bg || (cellBg & HAS_EXTENDED) !== 0) {
      fg = cellFg;
      bg = cellBg;
      const sgr = sgrOf(line.loadCell(x, scratch));
      if (sgr !== current) {
        parts.push(`\x1b[${sgr}m`);
        current = sgr;
      }
    }
    const cp = content & CODEPOINT;
    parts.push((content & COMBINED) !== 0 ? combined[x]! : cp === 0 ? " " : String.fromCodePoint(cp));
  }
  if (current !== "0") parts.push("\x1b[0m");
  return parts.join("");
}

/** The plain text of a row that `rowAnsi` rendered: its escapes and trailing spaces left out. */
export function rowText(ansi: string): string {
  return (ansi.includes("\x1b") ? stripSgr(ansi) : ansi).replace(/ +$/, "");
}

/** One row as plain text (trailing spaces trimmed) and with its colours as SGR escapes. */
export function renderRow(line: IBufferLine, scratch: IBufferCell): CapturedLine {
  const ansi = rowAnsi(xtermLine(line), scratch);
  return { text: rowText(ansi), ansi };
}
