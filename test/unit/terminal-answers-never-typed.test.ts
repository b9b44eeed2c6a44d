import { expect, test } from "bun:test";
import { withoutQueries, withoutReports } from "../../src/core/terminal-reports";

const bytes = (s: string) => Buffer.from(s, "latin1");
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

test("replayed output asks the attaching terminal nothing", () => {
  const vimStart = "\x1b[?1049h\x1b[6n\x1b[c\x1b[>c\x1b]11;?\x07\x1b[?2004$p\x1b[14t\x1b[31mtext\x1b[0m\x1b[2J";
  expect(text(withoutQueries(bytes(vimStart)))).toBe("\x1b[?1049h\x1b[31mtext\x1b[0m\x1b[2J");
  const plain = bytes("no escapes at all\n");
  expect(withoutQueries(plain)).toBe(plain);
});

test("the terminal's answers are left out of input, keys are not, and the fence's answer is seen", () => {
  const answers = "\x1b[2;1R\x1b[>84;0;0c\x1b]11;rgb:0000/0000/0000\x07\x1b[?2004;1$y";
  expect(withoutReports(bytes(`${answers}ls\r`))).toEqual({ input: bytes("ls\r"), fenceAnswered: false });
  const keys = "\x1b[A\x1b[1;5D\x1b[15~\x1bOP\x03";
  expect(text(withoutReports(bytes(keys)).input)).toBe(keys);
  expect(withoutReports(bytes("\x1b[?62;22c"))).toEqual({ input: bytes(""), fenceAnswered: true });
});
