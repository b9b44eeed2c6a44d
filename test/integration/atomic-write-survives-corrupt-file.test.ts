import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readJsonFile, writeFileAtomic } from "../../src/platform/atomic-file";
import { useTempDir } from "../helpers/temp-dir";

const dir = useTempDir();

describe("writeFileAtomic", () => {
  test("writes the content with mode 0600 and leaves no temp file", () => {
    const file = path.join(dir(), "state.json");
    writeFileAtomic(file, '{"a":1}');
    expect(readFileSync(file, "utf8")).toBe('{"a":1}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir())).toEqual(["state.json"]);
  });

  test("replaces an existing file, takes bytes, and honours another mode", () => {
    const file = path.join(dir(), "state.bin");
    writeFileSync(file, "old", { mode: 0o644 });
    writeFileAtomic(file, new Uint8Array([1, 2, 3]), 0o640);
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  test("a failed rename removes the temp file and throws", () => {
    const target = path.join(dir(), "occupied");
    mkdirSync(target);
    writeFileSync(path.join(target, "inside"), "x");
    expect(() => writeFileAtomic(target, "data")).toThrow();
    expect(readdirSync(dir())).toEqual(["occupied"]);
  });
});

describe("readJsonFile", () => {
  test("reads an object back", () => {
    const file = path.join(dir(), "ok.json");
    writeFileAtomic(file, JSON.stringify({ name: "api", restarts: 2 }));
    expect(readJsonFile<{ name: string; restarts: number }>(file)).toEqual({ kind: "ok", value: { name: "api", restarts: 2 } });
  });

  test("a missing file is reported as missing", () => {
    expect(readJsonFile(path.join(dir(), "nope.json"))).toEqual({ kind: "missing" });
  });

  test("a corrupt file is set aside with its content and reported", () => {
    const file = path.join(dir(), "bad.json");
    writeFileSync(file, '{"half": ');
    const read = readJsonFile(file);
    if (read.kind !== "corrupt") throw new Error(`expected corrupt, got ${read.kind}`);
    expect(read.error.length).toBeGreaterThan(0);
    expect(path.dirname(read.movedTo)).toBe(dir());
    expect(path.basename(read.movedTo)).toMatch(/^bad\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(readFileSync(read.movedTo, "utf8")).toBe('{"half": ');
    expect(readJsonFile(file)).toEqual({ kind: "missing" });
  });

  test.each([
    ["empty", ""],
    ["an array", "[1]"],
    ["a number", "3"],
    ["null", "null"],
    ["binary junk", "\u0000\uffff\u0001"],
  ])("%s is corrupt too, not a crash", (_what, text) => {
    const file = path.join(dir(), "x.json");
    writeFileSync(file, text);
    const read = readJsonFile(file);
    expect(read.kind).toBe("corrupt");
    expect(readdirSync(dir()).filter((n) => n.startsWith("x.json.corrupt-"))).toHaveLength(1);
  });
});
