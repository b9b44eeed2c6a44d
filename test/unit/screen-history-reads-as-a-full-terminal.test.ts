import { expect, test } from "bun:test";
import { Terminal } from "@xterm/headless";
import { SCREEN_SCROLLBACK, type ScreenCapture } from "../../src/core/screen-capture";
import { ScreenModel } from "../../src/supervisor/screen-model";
import { renderRow } from "../../src/supervisor/screen-rows";

// The model keeps a short history in xterm.js, moves older rows to a compact store, and skips
// parsing output that scrolls past within a batch; what it shows must not tell: its capture is
// the one of a plain xterm.js terminal with the whole history, fed every byte.

const encode = (s: string) => new TextEncoder().encode(s);

/** A terminal that keeps all of its history and parses every byte: the reference. */
class Reference {
  readonly term: Terminal;
  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, scrollback: SCREEN_SCROLLBACK, allowProposedApi: true });
  }
  write(s: string): void {
    this.term.write(s);
  }
  current(): Promise<void> {
    return new Promise((resolve) => this.term.write("", resolve));
  }
  capture(): Pick<ScreenCapture, "scrollback" | "lines" | "cursor" | "alternate"> {
    const buffer = this.term.buffer.active;
    const history = buffer.type === "alternate" ? 0 : Math.min(SCREEN_SCROLLBACK, buffer.baseY);
    const scratch = buffer.getNullCell();
    const lines = [];
    for (let y = buffer.baseY - history; y < buffer.baseY + this.term.rows; y++) lines.push(renderRow(buffer.getLine(y)!, scratch));
    const hidden = (this.term as unknown as { _core: { coreService: { isCursorHidden: boolean } } })._core.coreService.isCursorHidden;
    return { alternate: buffer.type === "alternate", scrollback: history, lines, cursor: { x: Math.min(buffer.cursorX, this.term.cols - 1), y: buffer.cursorY, visible: !hidden } };
  }
}

/** Feeds both, in the given pieces; the model parses a batch whenever `batches` says so. */
async function same(cols: number, rows: number, pieces: string[], batchEvery = Infinity): Promise<ScreenModel> {
  const model = new ScreenModel(cols, rows);
  const ref = new Reference(cols, rows);
  for (let i = 0; i < pieces.length; i++) {
    model.write(encode(pieces[i]!));
    ref.write(pieces[i]!);
    if ((i + 1) % batchEvery === 0) model.whenCurrent(() => {});
  }
  await ref.current();
  const { scrollback, lines, cursor, alternate } = model.capture();
  const want = ref.capture();
  expect(alternate).toBe(want.alternate);
  expect(scrollback).toBe(want.scrollback);
  expect(cursor).toEqual(want.cursor);
  // Row by row, so a failure names the first row that differs.
  for (let i = 0; i < want.lines.length; i++) expect({ row: i, ...lines[i] }).toEqual({ row: i, ...want.lines[i]! });
  expect(lines.length).toBe(want.lines.length);
  ref.term.dispose();
  return model;
}

/** A deterministic source of variety. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const COLOURS = ["\x1b[31m", "\x1b[3;58;5;9m", "\x1b[4:3;58;2;9;8;7m", "\x1b[9;53m", "\x1b[2;5;8m", "\x1b[44m  \x1b[49m", "\x1b[1;32m", "\x1b[0m", "\x1b[m", "\x1b[38;5;200m", "\x1b[48;2;1;2;3m", "\x1b[4:3m", "\x1b[7m", "\x1b[0;33m", "\x1b[K"];
const WORDS = ["alpha", "βeta", "漢字", "🙂", "tab\there", "x".repeat(150), "", "end  ", "a\bb"];

const numbered = (from: number, count: number, eol = "\r\n") => Array.from({ length: count }, (_, i) => `line ${from + i}${eol}`).join("");

function mixedLines(count: number, seed: number, eol = "\r\n"): string[] {
  const r = random(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let line = `${i}`;
    const parts = Math.floor(r() * 5);
    for (let p = 0; p < parts; p++) line += (r() < 0.4 ? COLOURS[Math.floor(r() * COLOURS.length)]! : " ") + WORDS[Math.floor(r() * WORDS.length)]!;
    out.push(line + eol);
  }
  return out;
}

/** Splits a stream into chunks of varied sizes, as a PTY delivers it (even inside sequences). */
function chunked(stream: string, seed: number): string[] {
  const r = random(seed);
  const out: string[] = [];
  for (let at = 0; at < stream.length; ) {
    const n = 1 + Math.floor(r() * 9000);
    out.push(stream.slice(at, at + n));
    at += n;
  }
  return out;
}

test("plain lines, long enough to be skipped, read the same: screen, history and cursor", async () => {
  const seq = Array.from({ length: 30_000 }, (_, i) => `${i + 1}\r\n`).join("");
  await same(120, 40, [seq, "$ "]);
  await same(120, 40, chunked(seq, 1), 7);
}, 30_000);

test("colours, wide characters, wrapped lines and erases across skips", async () => {
  const stream = mixedLines(12_000, 2).join("") + "\x1b[32mprompt$ ";
  await same(80, 24, [stream]);
  await same(80, 24, chunked(stream, 3), 5);
  // Colours set in the skipped part and never reset still colour what follows.
  await same(40, 10, [`first\r\n\x1b[1mbold\r\n\x1b[35mmagenta\r\n${numbered(0, 5000)}tail`]);
  await same(40, 10, [`first\r\n\x1b[1;4m\x1b[0;35m${numbered(0, 2000)}\x1b[4m${numbered(0, 3000)}tail`]);
}, 30_000);

test("what must be parsed is: scroll regions, raw line feeds, modes, the alternate screen, titles", async () => {
  const lines = mixedLines(4000, 4);
  // A fixed bottom line: rows scroll into history through a region that ends above it.
  await same(80, 24, ["\x1b[1;23r\x1b[24;1Hstatus\x1b[1;1H", ...lines, "\x1b[r"]);
  // Rows above a region, or a cursor below it, stay as the first lines left them.
  await same(80, 24, [`\x1b[10;24r${numbered(0, 3000)}`]);
  await same(80, 24, [`\x1b[1;10r\x1b[15;1H${numbered(0, 3000)}`]);
  await same(80, 24, [`${numbered(0, 1000)}\x1b[5;10r${numbered(1000, 3000)}`]);
  // Line feeds without carriage returns: each row starts where the one above ended.
  await same(80, 24, [mixedLines(3000, 5, "\n").join("")]);
  await same(80, 24, [`first\r\n${numbered(0, 3000, "\n")}`]);
  const inPlace = Array.from({ length: 3000 }, (_, i) => `row ${i}${"\b".repeat(`row ${i}`.length)}\n`).join("");
  await same(80, 24, [`abc\n${numbered(0, 10)}${inPlace}`]);
  await same(80, 24, [lines.join(""), "\x1b[?1049h\x1b[Hfull screen", lines.slice(0, 50).join(""), "\x1b[?1049l", lines.join("")]);
  // The alternate screen, asked for by a C1 control in UTF-8 (U+009B is CSI).
  await same(80, 24, [`${numbered(0, 1000)}\u009b?1049h${numbered(1000, 3000)}`]);
  await same(80, 24, [lines.join("\x1b[2A\x1b]0;title\x07\x1b[3B")]);
  // A sequence cut by the end of a batch, an OSC left open across lines.
  await same(80, 24, [lines.join("") + "\x1b[3", "1mred\r\n" + lines.join("")]);
  await same(80, 24, [`\x1b]0;open title\r\n${numbered(0, 4000)}\x07${numbered(0, 4000)}`]);
}, 30_000);

test("a saved cursor comes back where a terminal with the whole history puts it", async () => {
  for (let count = 1100; count < 1170; count += 3) await same(80, 24, [`top\r\n\x1b[5;1H\x1b7${numbered(0, count).replaceAll("\r\n", "\x1b[K\r\n")}\x1b8X`]);
}, 30_000);

test("erasing the history (clear) and a reset empty it", async () => {
  const lines = mixedLines(2500, 6);
  await same(80, 24, [lines.join(""), "\x1b[H\x1b[2J\x1b[3J", lines.slice(0, 30).join("")]);
  await same(80, 24, [lines.join(""), "\x1bc", lines.slice(0, 30).join("")]);
});

test("a resized screen shows what xterm.js shows, and no row of the history is lost", async () => {
  const short = (count: number) => Array.from({ length: count }, (_, i) => `short ${i}\r\n`).join("");
  const long = (count: number) => Array.from({ length: count }, (_, i) => `long ${i} ${"=".repeat(70)}\r\n`).join("");
  for (let count = 3000; count < 3064; count += 9) {
    const model = new ScreenModel(80, 24);
    const ref = new Reference(80, 24);
    /** Output at one size, then another: the same text from the end back, and maybe more. */
    const step = async (output: string, cols: number, rows: number, alike: "rows" | "screen" | "text") => {
      model.write(encode(output));
      ref.write(output);
      await ref.current();
      model.resize(cols, rows);
      ref.term.resize(cols, rows);
      const got = model.capture();
      const want = ref.capture();
      if (alike === "rows") expect(got.lines).toEqual(want.lines);
      if (alike !== "text") expect(got.lines.slice(got.scrollback)).toEqual(want.lines.slice(want.scrollback));
      // Rows that scrolled off before a change of width keep that width (xterm.js rewraps them).
      const text = (c: { lines: { text: string }[] }) => c.lines.map((l) => l.text).join("");
      const n = Math.min(text(got).length, text(want).length);
      expect(n).toBeGreaterThan(SCREEN_SCROLLBACK * 7);
      expect(text(got).slice(-n)).toEqual(text(want).slice(-n));
    };
    await step(short(count), 80, 10, "rows");
    await step(long(count % 40), 60, 10, "rows");
    // Output not yet parsed is parsed at the size it was written for.
    await step(`${long(20)}\x1b[1;75Habcdefghij`, 50, 10, "screen");
    // Up to 32 rows more get rows back from the history as xterm.js would; more than that,
    // blank rows below.
    await step(short(count), 50, 40, "screen");
    await step(short(count), 50, 100, "text");
  }
}, 30_000);
