import { expect, test } from "bun:test";
import { parseArgs, type ArgsDef } from "citty";
import { checkArgs } from "../../src/cli/check-args";

const logs: ArgsDef = {
  names: { type: "positional", required: false },
  follow: { type: "boolean", alias: "f" },
  timestamps: { type: "boolean", alias: "t" },
  lines: { type: "string", alias: "n" },
};

test.each([
  [["web", "-n1"], ["web", "--lines=1"]],
  [["-fn", "5", "web"], ["-f", "--lines=5", "web"]],
  [["-ftn20"], ["-f", "-t", "--lines=20"]],
  [["-fn", "-5"], ["-f", "--lines=-5"]],
  [["-n=3"], ["--lines=3"]],
  [["-ft"], ["-f", "-t"]],
  [["-n", "3", "--follow"], ["-n", "3", "--follow"]],
  [["--lines=7", "-f"], ["--lines=7", "-f"]],
  [["-n1", "--", "-fn", "x"], ["--lines=1", "--", "-fn", "x"]],
])("%j reads as %j", (given, expected) => {
  expect(checkArgs("logs", logs, given, true)).toEqual(expected);
});

/** What citty makes of them: the same as the spelled-out form. */
test.each([[["-fn1"]], [["-fn", "1"]], [["-n=1", "-f"]]])("%j parses to lines 1 and follow", (given) => {
  const args = parseArgs(checkArgs("logs", logs, given, true), logs) as Record<string, unknown>;
  expect({ lines: args.lines, follow: args.follow }).toEqual({ lines: "1", follow: true });
});

test.each([
  [["-fx"], "unknown option -x"],
  [["-fn"], "option -n needs a value"],
  [["-xn1"], "unknown option -x"],
])("%j is refused: %s", (given, message) => {
  expect(() => checkArgs("logs", logs, given, true)).toThrow(message);
});
