import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { homeId } from "../../src/platform/process-marker";
import { randomHex } from "../../src/platform/ids";

// Processes started by an earlier tend carry markers made from this id: a new tend that made it
// otherwise would no longer find (and end) them.
test("a home's id is the start of its path's SHA-256, as earlier versions made it", () => {
  for (const home of ["/tmp/tend-home", "/home/ünïcode/.local/share/tend", ""]) {
    expect(homeId(home)).toBe(createHash("sha256").update(home).digest("hex").slice(0, 12));
  }
});

test("random ids are hex of the length asked for, and differ", () => {
  const ids = new Set(Array.from({ length: 100 }, () => randomHex(6)));
  expect(ids.size).toBe(100);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
});
