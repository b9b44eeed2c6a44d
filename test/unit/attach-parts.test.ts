import { describe, expect, test } from "bun:test";
import { endedLine } from "../../src/cli/attach-session";
import { parseDetachKey } from "../../src/cli/detach-key";
import { ScreenModes } from "../../src/cli/raw-terminal";
import { parseControl } from "../../src/core/attach-protocol";
import { RecentOutput } from "../../src/supervisor/recent-output";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("recent output", () => {
  test("keeps exactly the last bytes, cutting into the oldest chunk, and copies what it is given", () => {
    const recent = new RecentOutput(10);
    const reused = bytes("abcdef");
    recent.push(reused);
    reused.fill(0x21);
    recent.push(bytes("ghij"));
    expect(text(recent.snapshot())).toBe("abcdefghij");
    recent.push(bytes("klm"));
    expect(text(recent.snapshot())).toBe("defghijklm");
    recent.push(bytes("0123456789ABC"));
    expect(text(recent.snapshot())).toBe("3456789ABC");
  });

  test("last lines: a trailing newline ends a line, a last line without one counts", () => {
    const recent = new RecentOutput();
    recent.push(bytes("a\nb\nc\n"));
    expect(text(recent.lastLines(2))).toBe("b\nc\n");
    expect(text(recent.lastLines(5))).toBe("a\nb\nc\n");
    recent.push(bytes("prompt> "));
    expect(text(recent.lastLines(2))).toBe("c\nprompt> ");
    expect(text(new RecentOutput().lastLines(3))).toBe("");
  });
});

describe("detach key", () => {
  test("names map to the byte the terminal sends", () => {
    expect(parseDetachKey("ctrl-\\")).toBe(0x1c);
    expect(parseDetachKey("ctrl-]")).toBe(0x1d);
    expect(parseDetachKey("Ctrl-A")).toBe(0x01);
    expect(parseDetachKey("ctrl-z")).toBe(0x1a);
    expect(parseDetachKey("ctrl-_")).toBe(0x1f);
  });

  test("unknown names and keys needed for typing are usage errors", () => {
    for (const bad of ["x", "ctrl-", "ctrl-1", "alt-a", "ctrl-ab"]) expect(() => parseDetachKey(bad)).toThrow(`unknown detach key "${bad}"`);
    expect(() => parseDetachKey("ctrl-m")).toThrow("is Enter");
    expect(() => parseDetachKey("ctrl-[")).toThrow("is Escape");
  });
});

describe("control messages", () => {
  test("resize with whole sizes is accepted; anything else says why not", () => {
    expect(parseControl('{"type":"resize","cols":120,"rows":40}')).toEqual({ type: "resize", cols: 120, rows: 40 });
    expect(parseControl("resize")).toEqual({ error: "control message is not valid JSON" });
    expect(parseControl('{"type":"paste"}')).toEqual({ error: 'unknown control message type "paste"; known: resize' });
    expect(parseControl('{"type":"resize","cols":80.5,"rows":24}')).toHaveProperty("error");
    expect(parseControl('{"type":"resize","cols":80}')).toHaveProperty("error");
  });
});

describe("ended line", () => {
  const base = { exitCode: null, exitSignal: null, reason: null };
  test("says how the process ended", () => {
    expect(endedLine("web", { ...base, state: "exited", exitCode: 0 })).toBe("[web exited with code 0]");
    expect(endedLine("web", { ...base, state: "crashed", exitSignal: "SIGSEGV" })).toBe("[web was killed by SIGSEGV]");
    expect(endedLine("web", { ...base, state: "stopped", exitSignal: "SIGTERM" })).toBe("[web was stopped (SIGTERM)]");
    expect(endedLine("web", { ...base, state: "parked", exitCode: 78, reason: "permanent exit code 78" })).toBe(
      "[web exited with code 78; parked: permanent exit code 78]",
    );
  });
});

describe("screen modes", () => {
  test("the alternate screen is left on detach only when the program is still in it", () => {
    const modes = new ScreenModes();
    expect(modes.resetSequence).not.toContain("\x1b[?1049l");
    modes.feed(bytes("\x1b[?1049h\x1b[H drawn"));
    expect(modes.resetSequence).toStartWith("\x1b[?1049l");
    modes.feed(bytes("bye\x1b[?1049l"));
    expect(modes.resetSequence).not.toContain("\x1b[?1049l");
  });
});
