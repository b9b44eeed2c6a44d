import { expect, test } from "bun:test";
import { parseKeys } from "../../src/ui/keys";
import { fit, printable, width } from "../../src/ui/text";

test("rows are cut and padded to the screen's width in columns, colours and wide characters included", () => {
  expect(fit("abc", 5)).toBe("abc  ");
  expect(fit("abcdef", 4)).toBe("abc…");
  expect(width(fit("日本語のテキスト", 7))).toBe(7);
  // A colour cut off in the middle is reset, so it does not run into the next row.
  const cut = fit("\x1b[31mred text here\x1b[39m", 6);
  expect(cut).toBe("\x1b[31mred t…\x1b[0m");
  expect(width(cut)).toBe(6);
});

test("a log line cannot move the cursor or change the terminal", () => {
  expect(printable("a\tb\x1b[2J\x1b]0;title\x07c\x07\rd")).toBe("a    bcd");
  // Nor cost every frame its whole length: a line of a megabyte keeps what a screen can show.
  expect(printable("x".repeat(1_000_000)).length).toBe(4096);
});

test("keys come out by name, several in one read, sequences the UI does not use dropped", () => {
  expect(parseKeys("jk\x1b[A\x1b[B\r\x1b")).toEqual(["j", "k", "up", "down", "enter", "escape"]);
  expect(parseKeys("\x03\x7f\x1b[5~\x1b[6~\x1b[1;5C:")).toEqual(["ctrl-c", "backspace", "pageup", "pagedown", ":"]);
  expect(parseKeys("é")).toEqual(["é"]);
});
