import { expect, test } from "bun:test";
import { baselineOf, formatBytes, formatPercent, usageOf, type TreeMember } from "../../src/core/usage";

const member = (pid: number, startedMs: number, cpuMs: number, memoryBytes = 1000): TreeMember => ({ pid, startedMs, cpuMs, memoryBytes });

test("without a baseline each member counts its average since it started, as ps does", () => {
  // Root: 1 s of CPU in 10 s; child: 2 s in 4 s.
  const u = usageOf([member(10, 0, 1000), member(11, 6000, 2000, 3000)], 10, 10_000, null);
  expect(u.cpuPercent).toBe(60);
  expect(u.self).toEqual({ cpuPercent: 10, memoryBytes: 1000 });
  expect(u.memoryBytes).toBe(4000);
  expect(u.processes).toBe(2);
});

test("with a baseline it is the CPU since then, as top shows; a new member counts since it started", () => {
  const before = baselineOf([member(10, 0, 1000), member(12, 0, 5000)], 10_000);
  // Root used 0.5 s more in 2 s; pid 12 ended (gone, so not counted); pid 13 started at 11 s and used 0.25 s.
  const u = usageOf([member(10, 0, 1500), member(13, 11_000, 250)], 10, 12_000, before);
  expect(u.self.cpuPercent).toBe(25);
  expect(u.cpuPercent).toBe(50);
});

test("a pid reused by another process is not compared with the one before", () => {
  const before = baselineOf([member(10, 0, 9000)], 10_000);
  expect(usageOf([member(10, 11_000, 100)], 10, 12_000, before).cpuPercent).toBe(10);
});

test("figures print as top prints them", () => {
  expect([0, 0.04, 12.34, 199.6].map(formatPercent)).toEqual(["0%", "0%", "12.3%", "200%"]);
  expect([512, 1536, 43_200_000, 1.5 * 2 ** 30].map(formatBytes)).toEqual(["512B", "1.5K", "41.2M", "1.5G"]);
});
