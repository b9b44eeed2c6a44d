import type { IBufferCell, IBufferLine } from "@xterm/headless";
import type { CapturedLine } from "../core/screen-capture";

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

/** A cell that shows something even when it holds a space: a coloured bar, a reversed cursor. */
function visibleBlank(cell: IBufferCell): boolean {
  return !cell.isBgDefault() || cell.isInverse() !== 0;
}

/** One row as plain text (trailing spaces trimmed) and with its colours as SGR escapes. */
export function renderRow(line: IBufferLine, cols: number, scratch: IBufferCell): CapturedLine {
  let end = 0;
  for (let x = 0; x < cols; x++) {
    const cell = line.getCell(x, scratch)!;
    if (cell.getWidth() > 0 && ((cell.getChars() !== "" && cell.getChars() !== " ") || visibleBlank(cell))) end = x + cell.getWidth();
  }
  let ansi = "";
  let current = "0";
  for (let x = 0; x < end; x++) {
    const cell = line.getCell(x, scratch)!;
    if (cell.getWidth() === 0) continue;
    const sgr = sgrOf(cell);
    if (sgr !== current) {
      ansi += `\x1b[${sgr}m`;
      current = sgr;
    }
    ansi += cell.getChars() || " ";
  }
  if (current !== "0") ansi += "\x1b[0m";
  return { text: line.translateToString(true).replace(/ +$/, ""), ansi };
}
