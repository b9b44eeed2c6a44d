import { describe, expect, test } from "bun:test";
import { colorEnabled, colorFor } from "../../src/cli/colors";
import { LinePrinter } from "../../src/cli/line-printer";

function capture(isTTY: boolean) {
  const chunks: Uint8Array[] = [];
  const out = { isTTY, write: (c: Uint8Array) => chunks.push(c) } as unknown as NodeJS.WriteStream;
  return { out, text: () => Buffer.concat(chunks).toString() };
}

const enc = new TextEncoder();

describe("colour decision", () => {
  test("TTY colours, pipes do not, NO_COLOR wins over a TTY, FORCE_COLOR over everything", () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "0" })).toBe(false);
  });

  test("a name keeps its colour", () => {
    expect(colorFor("web")).toBe(colorFor("web"));
    const colours = new Set(["web", "worker", "db", "api", "queue", "cron"].map(colorFor));
    expect(colours.size).toBeGreaterThan(2);
  });
});

describe("foreground lines", () => {
  test("names are padded to the longest; notices are marked apart from output; pieces of a long line are joined", () => {
    const { out, text } = capture(false);
    const p = new LinePrinter(["web", "worker"], out);
    p.line("web", "stdout", enc.encode("hello"), false);
    p.line("worker", "stderr", enc.encode("part one, "), true);
    p.line("web", "stdout", enc.encode("between"), false);
    p.line("worker", "stderr", enc.encode("part two"), false);
    p.notice("worker", "exited code=1, restarting in 2s", "warn");
    p.flush();
    expect(text()).toBe(
      "web    | hello\nweb    | between\nworker | part one, part two\nworker ! exited code=1, restarting in 2s\n",
    );
  });
});
