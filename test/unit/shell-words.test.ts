import { expect, test } from "bun:test";
import { shellLine, splitWords } from "../../src/core/shell-words";

test("a command line splits into words as a shell splits them, expanding nothing", () => {
  expect(splitWords("bg --name x -- npm run dev")).toEqual(["bg", "--name", "x", "--", "npm", "run", "dev"]);
  expect(splitWords("  restart   web  ")).toEqual(["restart", "web"]);
  expect(splitWords(`bg -- sh -c 'echo "$HOME"; sleep 1'`)).toEqual(["bg", "--", "sh", "-c", 'echo "$HOME"; sleep 1']);
  expect(splitWords(`logs "my app" -n 5`)).toEqual(["logs", "my app", "-n", "5"]);
  expect(splitWords(`echo "a \\"b\\" \\n" it\\'s ''`)).toEqual(["echo", 'a "b" \\n', "it's", ""]);
  expect(splitWords("")).toEqual([]);
});

test("an unclosed quote is an error, not a guess", () => {
  expect(splitWords("bg -- sh -c 'echo")).toEqual({ error: "unclosed single quote" });
  expect(splitWords('logs "web')).toEqual({ error: "unclosed double quote" });
});

test("shellLine writes words so that the shell, and splitWords, read them back the same", () => {
  for (const words of [["npm", "test"], ["sh", "-c", "echo testing; exit 4"], ["echo", "it's"], ["a b", ""], ["$HOME", "*"]]) {
    expect(splitWords(shellLine(words))).toEqual(words);
  }
  expect(shellLine(["sh", "-c", "echo testing; exit 4"])).toBe("sh -c 'echo testing; exit 4'");
});
