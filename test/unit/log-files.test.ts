import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatTimestamp, type StreamName } from "../../src/core/cri";
import { LogHistory, MergedHistory, logFilesOf, namesWithLogs, type LogFilter, type LogLine } from "../../src/platform/log-files";

const T0 = 1_795_000_000_000_000_000n;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tend-logfiles-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Rec = [offsetMs: number, stream: StreamName, flag: "F" | "P", text: string];

function cri(recs: Rec[]): string {
  return recs.map(([ms, s, f, text]) => `${formatTimestamp(T0 + BigInt(ms) * 1_000_000n)} ${s} ${f} ${text}\n`).join("");
}

function write(file: string, recs: Rec[] | string): void {
  writeFileSync(path.join(dir, file), typeof recs === "string" ? recs : cri(recs));
}

function read(name: string, filter: LogFilter = {}, hold = false): { lines: LogLine[]; history: LogHistory } {
  const history = new LogHistory(dir, name, filter, { holdUnfinished: hold });
  const lines: LogLine[] = [];
  for (let l = history.next(); l; l = history.next()) lines.push(l);
  return { lines, history };
}

const texts = (lines: LogLine[]) => lines.map((l) => l.text);

describe("listing", () => {
  test("rotated files come oldest first, numbers compared as numbers", () => {
    for (const f of ["web.log", "web.log.1", "web.log.2", "web.log.10", "webby.log", "other.log.1", "notes.txt"]) write(f, "");
    expect(logFilesOf(dir, "web").map((f) => path.basename(f))).toEqual(["web.log.10", "web.log.2", "web.log.1", "web.log"]);
    expect(namesWithLogs(dir)).toEqual(["other", "web", "webby"]);
    expect(logFilesOf(path.join(dir, "missing"), "web")).toEqual([]);
  });
});

describe("reading", () => {
  test("reads across rotated files in order, joining pieces split by a rotation", () => {
    write("web.log.2", [[1, "stdout", "F", "one"]]);
    write("web.log.1", [[2, "stdout", "F", "two"], [3, "stdout", "P", "thr"]]);
    write("web.log", [[3, "stdout", "P", "e"], [4, "stdout", "F", "e!"], [5, "stderr", "F", "four"]]);
    const { lines } = read("web");
    expect(texts(lines)).toEqual(["one", "two", "three!", "four"]);
    expect(lines[2]!.ts).toBe(formatTimestamp(T0 + 4_000_000n));
    expect(lines[3]).toMatchObject({ name: "web", stream: "stderr" });
  });

  test("pieces join per stream, even when the other stream writes in between", () => {
    write("w.log", [[1, "stdout", "P", "a1"], [1, "stderr", "F", "err"], [2, "stdout", "F", "a2"]]);
    expect(texts(read("w").lines)).toEqual(["err", "a1a2"]);
  });

  test("a multi-byte character split between pieces survives the join", () => {
    const bytes = Buffer.from("é");
    const head = `${formatTimestamp(T0)} stdout P `;
    const tail = `\n${formatTimestamp(T0)} stdout F `;
    writeFileSync(path.join(dir, "u.log"), Buffer.concat([Buffer.from(head), bytes.subarray(0, 1), Buffer.from(tail), bytes.subarray(1), Buffer.from("\n")]));
    expect(texts(read("u").lines)).toEqual(["é"]);
  });

  test("malformed lines are skipped; empty text and a missing final newline are kept", () => {
    write("m.log", `garbage\n\n${cri([[1, "stdout", "F", ""], [2, "stdout", "F", "x y  z"]])}${formatTimestamp(T0 + 3_000_000n)} stdout F cut`);
    expect(texts(read("m").lines)).toEqual(["", "x y  z", "cut"]);
  });

  test("a name without files reads as empty", () => {
    expect(read("nobody").lines).toEqual([]);
  });

  test("unfinished pieces end the history as a line, or are held for a follower", () => {
    write("p.log", [[1, "stdout", "F", "done"], [2, "stdout", "P", "half"], [3, "stderr", "F", "e"], [4, "stdout", "P", "way"]]);
    expect(texts(read("p").lines)).toEqual(["done", "e", "halfway"]);
    const held = read("p", {}, true);
    expect(texts(held.lines)).toEqual(["done", "e"]);
    expect(held.history.unfinished.map((u) => [u.stream, Buffer.from(u.text).toString()])).toEqual([
      ["stdout", "half"],
      ["stdout", "way"],
    ]);
    expect(read("p", { tail: 0 }, true).history.unfinished).toHaveLength(2);
  });
});

describe("filters", () => {
  beforeEach(() => {
    write("f.log.1", [[1, "stdout", "F", "o1"], [2, "stderr", "F", "e1"], [3, "stdout", "F", "o2"]]);
    write("f.log", [[4, "stderr", "P", "e2-"], [5, "stdout", "F", "o3"], [6, "stderr", "F", "end"], [7, "stdout", "F", "o4"]]);
  });

  test("tail counts lines, not pieces, across files", () => {
    expect(texts(read("f", { tail: 2 }).lines)).toEqual(["e2-end", "o4"]);
    expect(texts(read("f", { tail: 3 }).lines)).toEqual(["o3", "e2-end", "o4"]);
    expect(texts(read("f", { tail: 5 }).lines)).toEqual(["e1", "o2", "o3", "e2-end", "o4"]);
    expect(texts(read("f", { tail: 100 }).lines)).toHaveLength(6);
    expect(read("f", { tail: 0 }).lines).toEqual([]);
  });

  test("stream filter, alone and with tail", () => {
    expect(texts(read("f", { stream: "stderr" }).lines)).toEqual(["e1", "e2-end"]);
    expect(texts(read("f", { stream: "stdout", tail: 2 }).lines)).toEqual(["o3", "o4"]);
  });

  test("since keeps lines whose final piece is at or after it", () => {
    const at = (ms: number) => T0 + BigInt(ms) * 1_000_000n;
    expect(texts(read("f", { sinceNs: at(5) }).lines)).toEqual(["o3", "e2-end", "o4"]);
    expect(texts(read("f", { sinceNs: at(3), tail: 2 }).lines)).toEqual(["e2-end", "o4"]);
    expect(read("f", { sinceNs: at(8) }).lines).toEqual([]);
    expect(read("f", { sinceNs: 0n }).lines).toHaveLength(6);
  });

  test("tail and since agree with filtering a full read, on a large random log", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const recs: Rec[] = [];
    for (let i = 0; i < 20_000; i++) {
      const stream: StreamName = rand(3) === 0 ? "stderr" : "stdout";
      recs.push([i, stream, rand(8) === 0 ? "P" : "F", `${i}:${"z".repeat(rand(120))}`]);
    }
    for (const s of ["stdout", "stderr"] as const) recs.push([20_000, s, "F", "last"]);
    write("r.log.1", recs.slice(0, 9_000));
    write("r.log", recs.slice(9_000));
    const all = read("r").lines;
    for (const tail of [1, 2, 17, 500, 4_321]) {
      expect(read("r", { tail }).lines).toEqual(all.slice(-tail));
      const err = all.filter((l) => l.stream === "stderr");
      expect(read("r", { tail, stream: "stderr" }).lines).toEqual(err.slice(-tail));
    }
    const since = T0 + 12_345n * 1_000_000n;
    expect(read("r", { sinceNs: since }).lines).toEqual(all.filter((l) => l.timeNs >= since));
  });

  test("the tail of a big log is read from its end", () => {
    const line = cri([[1, "stdout", "F", "x".repeat(100)]]);
    writeFileSync(path.join(dir, "big.log"), line.repeat(250_000) + cri([[2, "stdout", "F", "the end"]]));
    const started = performance.now();
    const { lines } = read("big", { tail: 2 });
    const tailMs = performance.now() - started;
    expect(texts(lines)).toEqual(["x".repeat(100), "the end"]);
    // Parsing all 36 MB takes about half a second; a few block reads from the end, milliseconds.
    expect(tailMs).toBeLessThan(250);
  });
});

test("several names interleave by time, each keeping its own order", () => {
  write("a.log", [[1, "stdout", "F", "a1"], [3, "stdout", "F", "a3"], [3, "stdout", "F", "a3b"]]);
  write("b.log", [[2, "stdout", "F", "b2"], [3, "stdout", "F", "b3"], [9, "stderr", "F", "b9"]]);
  const merged = new MergedHistory([new LogHistory(dir, "a"), new LogHistory(dir, "b")]);
  const out: string[] = [];
  for (let l = merged.next(); l; l = merged.next()) out.push(`${l.name}:${l.text}`);
  expect(out).toEqual(["a:a1", "b:b2", "a:a3", "a:a3b", "b:b3", "b:b9"]);
});
