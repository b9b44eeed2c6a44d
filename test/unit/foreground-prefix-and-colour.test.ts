import { describe, expect, test } from "bun:test";
import { colorEnabled, NameColors } from "../../src/cli/colors";
import { LinePrinter, PARTIAL_AFTER_MS } from "../../src/cli/line-printer";
import { NamePrefix } from "../../src/cli/name-prefix";

function capture(isTTY: boolean) {
  const chunks: Uint8Array[] = [];
  const out = { isTTY, write: (c: Uint8Array) => chunks.push(c) } as unknown as NodeJS.WriteStream;
  return { out, text: () => Buffer.concat(chunks).toString() };
}

const enc = new TextEncoder();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("colour decision", () => {
  test("TTY colours, pipes do not, NO_COLOR wins over a TTY, FORCE_COLOR over everything", () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "0" })).toBe(false);
  });

  test("names of one set get distinct colours, the same in every run whatever order they come in", () => {
    // A Rails Procfile.dev: js and css were both green when colours were hashed from the name.
    const names = ["web", "js", "css", "worker"];
    const colours = new NameColors(names);
    expect(new Set(names.map((n) => colours.of(n))).size).toBe(4);
    const again = new NameColors([...names].reverse());
    expect(names.map((n) => again.of(n))).toEqual(names.map((n) => colours.of(n)));
  });
});

describe("the name prefix", () => {
  test("start and logs pad alike: to the longest name, never narrower than tend's own notices", () => {
    const p = new NamePrefix(["a", "bb"], false);
    expect(p.line("a")).toBe("a    | ");
    expect(new NamePrefix(["web", "worker"], false).line("web")).toBe("web    | ");
  });
});

describe("foreground lines", () => {
  test("names are padded to the longest; notices are marked apart from output; lines split across chunks are joined", () => {
    const { out, text } = capture(false);
    const p = new LinePrinter(["web", "worker"], { out });
    p.chunk("web", "stdout", enc.encode("hello\n"));
    p.chunk("worker", "stderr", enc.encode("part one, "));
    p.chunk("web", "stdout", enc.encode("between\n"));
    p.chunk("worker", "stderr", enc.encode("part two\n"));
    p.notice("worker", "exited code=1, restarting in 2s", "warn");
    p.flush();
    expect(text()).toBe("web    | hello\nweb    | between\nworker | part one, part two\nworker ! exited code=1, restarting in 2s\n");
  });

  test("a line without its newline (a prompt) is shown after a short pause, not held until the newline", async () => {
    const { out, text } = capture(false);
    const p = new LinePrinter(["db"], { out });
    p.chunk("db", "stdout", enc.encode("Password: "));
    await turn();
    expect(text()).toBe("");
    await Bun.sleep(PARTIAL_AFTER_MS + 100);
    expect(text()).toBe("db   | Password: \n");
    p.chunk("db", "stdout", enc.encode("ok\n"));
    p.flush();
    expect(text()).toBe("db   | Password: \ndb   | ok\n");
  });

  test("a \\r progress line shows its last state and never overwrites the prefix; CRLF is a plain newline", () => {
    const { out, text } = capture(false);
    const p = new LinePrinter(["dl"], { out });
    p.chunk("dl", "stdout", enc.encode("10%\r50%\r100%\ndone\r\n"));
    p.flush();
    expect(text()).toBe("dl   | 100%\ndl   | done\n");
  });

  test("-t puts the time of day in front", () => {
    const { out, text } = capture(false);
    const p = new LinePrinter(["web"], { out, timestamps: true });
    p.chunk("web", "stdout", enc.encode("up\n"));
    p.flush();
    expect(text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} web  \| up\n$/);
  });
});
