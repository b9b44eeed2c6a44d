import { expect, test } from "bun:test";
import { captureText, lastScreenText, withScrollback } from "../../src/core/screen-capture";
import { ScreenModel } from "../../src/supervisor/screen-model";

const encode = (s: string) => new TextEncoder().encode(s);

async function fed(model: ScreenModel, ...parts: string[]): Promise<ScreenModel> {
  for (const part of parts) model.write(encode(part));
  await new Promise<void>((resolve) => model.whenCurrent(resolve));
  return model;
}

/** What a terminal shows after the snapshot alone: the same as the one it was taken from. */
async function redrawn(model: ScreenModel): Promise<ScreenModel> {
  const { cols, rows } = model.size;
  // A terminal that showed something else before, as the attaching one did.
  return fed(new ScreenModel(cols, rows), "old junk\r\n\x1b[31mred", model.snapshot());
}

function modesOf(model: ScreenModel): unknown {
  return (model as unknown as { term: { modes: unknown } }).term.modes;
}

test("a full-screen program's screen: alternate screen, colours, scroll region, hidden cursor and modes", async () => {
  const model = await fed(
    new ScreenModel(60, 12),
    "$ vim notes\r\n",
    "\x1b[?1049h\x1b[?1h\x1b=\x1b[?2004h\x1b[?1002h\x1b[?1006h\x1b[H\x1b[2J",
    "\x1b[1;34m~\x1b[0m\r\n\x1b[1;34m~\x1b[0m\r\n",
    "\x1b[12;1H\x1b[7m-- INSERT --\x1b[0m\x1b[38;2;10;200;30m rgb\x1b[48;5;200m bg \x1b[0m",
    "\x1b[2;11r\x1b[5;3Hhello \x1b[4mworld\x1b[0m\x1b[?25l",
  );
  const again = await redrawn(model);
  expect(again.capture()).toEqual(model.capture());
  expect(again.capture().alternate).toBe(true);
  expect(again.capture().cursor).toEqual({ x: 13, y: 4, visible: false });
  expect(modesOf(again)).toEqual(modesOf(model));
  // The scroll region came along: a scroll inside it leaves row 1 and row 12 alone.
  const scroll = "\x1b[11;1H\n\n";
  await fed(model, scroll);
  await fed(again, scroll);
  expect(again.capture()).toEqual(model.capture());
  // Leaving the alternate screen shows what was under it.
  await fed(again, "\x1b[?1049l");
  expect(captureText(again.capture(), false)).toStartWith("$ vim notes\n");
});

test("a shell's screen after more output than fits, and the scrollback capture takes", async () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}\r\n`).join("");
  const model = await fed(new ScreenModel(40, 10), lines, "\x1b[32m$\x1b[0m ");
  const again = await redrawn(model);
  expect(withScrollback(again.capture(), 0)).toEqual(withScrollback(model.capture(), 0));
  const screen = captureText(withScrollback(model.capture(), 0), false).split("\n");
  expect(screen.slice(0, 10)).toEqual([...Array.from({ length: 9 }, (_, i) => `line ${i + 22}`), "$"]);
  const withHistory = withScrollback(model.capture(), 5);
  expect(withHistory.lines.map((l) => l.text).slice(0, 6)).toEqual(["line 17", "line 18", "line 19", "line 20", "line 21", "line 22"]);
  expect(model.capture().lines[model.capture().lines.length - 1]!.ansi).toBe("\x1b[0;32m$\x1b[0m");
});

test("the last screen of a finished session leaves out the blank rows under it", async () => {
  const model = await fed(new ScreenModel(40, 10), "one\r\n\x1b[1mtwo\x1b[0m\r\n");
  expect(lastScreenText(model.capture(), false, "\r\n")).toBe("one\r\ntwo\r\n");
  expect(lastScreenText(model.capture(), true, "\r\n")).toBe("one\r\n\x1b[0;1mtwo\x1b[0m\r\n");
});

test("a snapshot holds no query a terminal would answer", async () => {
  // vim asks for the cursor position and the terminal's kind when it starts.
  const model = await fed(new ScreenModel(80, 24), "\x1b[6n\x1b[c\x1b[>c\x1b]11;?\x07\x1b[?1049hvim");
  const snapshot = model.snapshot();
  expect(snapshot).not.toMatch(/\x1b\[[0-9;>?]*[cn]|\x1b\]\d+;\?/);
});
