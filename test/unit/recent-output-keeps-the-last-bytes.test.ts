import { expect, test } from "bun:test";
import { RecentOutput } from "../../src/supervisor/recent-output";

test("whatever the chunks, the recent output is the last bytes written, up to its limit", () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let run = 0; run < 300; run++) {
    const limit = 1 + Math.floor(rand() * 5000);
    const recent = new RecentOutput(limit);
    let all: number[] = [];
    for (let k = 0; k < 40; k++) {
      // Mostly small chunks, now and then one larger than the whole limit.
      const chunk = new Uint8Array(Math.floor(rand() * (rand() < 0.1 ? limit * 2 : 300))).map(() => Math.floor(rand() * 256));
      recent.push(chunk);
      all = [...all, ...chunk].slice(-limit);
      expect([...recent.snapshot()]).toEqual(all);
    }
  }
});

test("the producer may reuse its buffer once push returns", () => {
  const recent = new RecentOutput(16);
  const buf = new TextEncoder().encode("abc");
  recent.push(buf);
  buf.fill(0x7a);
  expect(new TextDecoder().decode(recent.snapshot())).toBe("abc");
});
