import { expect, test } from "bun:test";
import { existsSync, mkdirSync, openSync, closeSync, ftruncateSync, readFileSync, rmSync, writeSync, fstatSync } from "node:fs";
import path from "node:path";
import { parseCriLine } from "../../src/core/cri";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const run = (cmd: string[]) => Bun.spawnSync({ cmd, stdout: "pipe", stderr: "pipe" });

/** Whether this machine lets the test mount a small tmpfs (it needs root, and a kernel that allows it here). */
function mountProblem(): string | null {
  if (process.platform !== "linux") return "tmpfs mounts are Linux only";
  const probe = `/tmp/tend-mount-probe-${process.pid}`;
  mkdirSync(probe, { recursive: true });
  const r = run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]);
  if (r.exitCode === 0) run(["umount", probe]);
  rmSync(probe, { recursive: true, force: true });
  return r.exitCode === 0 ? null : `mounting a tmpfs is not permitted here (${r.stderr.toString().trim() || `exit ${r.exitCode}`})`;
}

const skipWhy = mountProblem();
if (skipWhy) console.warn(`full-disk test skipped: ${skipWhy}`);

let mounted: string | null = null;
const t = useTendHome({
  timeoutMs: 30_000,
  // Everything ends before the small disk goes: a supervisor still writing there would hold it.
  beforeReap: async () => {
    if (!mounted) return;
    await tend(["kill", "--all", "--grace", "1s"], { env: { ...t.env, TEND_HOME: mounted } });
    await tend(["stop"], { env: { ...t.env, TEND_HOME: mounted } });
    run(["umount", "-l", mounted]);
    mounted = null;
  },
});

/** Fills the disk, then gives `pages` pages back, so the next writes are cut short and then refused. */
function fill(filler: string, pages: number): void {
  const fd = openSync(filler, "w");
  const block = Buffer.alloc(64 * 1024, 0x66);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    // ENOSPC: full.
  }
  ftruncateSync(fd, Math.max(0, fstatSync(fd).size - pages * 4096));
  closeSync(fd);
}

const LINE = /^line (\d{6}) x+$/;
const MARKER = /^\[tend: ([\d,]+) lines lost: no space left on device\]$/;

test.skipIf(skipWhy !== null)(
  "on a full disk no log line is torn, lost lines are counted and told in the log once space returns, records are written again, and the child never waits",
  async () => {
    const home = path.join(t.home, "small");
    mkdirSync(home, { mode: 0o700 });
    expect(run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", home]).exitCode).toBe(0);
    mounted = home;
    const env = { ...t.env, TEND_HOME: home };
    // Signals between the test and the child live outside the small disk.
    const go = path.join(t.home, "go");
    const flooded = path.join(t.home, "flooded");
    const lines = (from: number, to: number) => `awk 'BEGIN { for (i = ${from}; i <= ${to}; i++) printf "line %06d %s\\n", i, "${"x".repeat(80)}" }'`;
    const script = [
      lines(1, 2000),
      `while [ ! -e ${go}.1 ]; do sleep 0.02; done`,
      lines(2001, 32000),
      `touch ${flooded}`,
      `while [ ! -e ${go}.2 ]; do sleep 0.02; done`,
      lines(32001, 34000),
    ].join("; ");
    const bg = await tend(["bg", "--name", "flood", "--", "sh", "-c", script], { env });
    expect(bg.stderr).toBe("");
    expect(bg.code).toBe(0);
    const log = path.join(home, "logs", "flood.log");
    const count = () => (existsSync(log) ? readFileSync(log, "latin1").split("\n").length - 1 : 0);
    await waitFor("the first 2,000 lines in the log", () => count() === 2000);

    // Two pages left: the next write of the flood goes in part, then the disk refuses the rest.
    fill(path.join(home, "filler"), 2);
    Bun.write(`${go}.1`, "");
    // 30,000 lines on a full disk: the child must get through them without waiting on anything.
    await waitFor("the child to write its 30,000 lines on the full disk", () => existsSync(flooded), 10_000);

    // A record that changes while the disk is full (a session that ends at once) …
    expect((await tend(["bg", "--name", "brief", "--", "sh", "-c", "exit 3"], { env })).code).toBe(0);
    await waitFor("brief to end", async () => {
      const ps = JSON.parse((await tend(["ps", "--json"], { env })).stdout);
      return ps.processes.find((p: { name: string }) => p.name === "brief")?.state === "crashed";
    });

    // … is written once space returns, as is the marker line, before the lines that follow.
    rmSync(path.join(home, "filler"));
    Bun.write(`${go}.2`, "");
    await waitFor("flood to end", async () => {
      const ps = JSON.parse((await tend(["ps", "--json"], { env })).stdout);
      return ps.processes.find((p: { name: string }) => p.name === "flood")?.state === "exited";
    });
    await waitFor("brief's record on disk", () => {
      try {
        const rec = JSON.parse(readFileSync(path.join(home, "processes", "brief.json"), "utf8"));
        return rec.status.state === "crashed" && rec.status.exitCode === 3;
      } catch {
        return false;
      }
    });

    const records = readFileSync(log, "latin1").split("\n");
    expect(records.pop()).toBe("");
    const seen: number[] = [];
    const markers: { at: number; lost: number }[] = [];
    for (const raw of records) {
      const rec = parseCriLine(raw);
      if (!rec) throw new Error(`torn or malformed record: ${raw.slice(0, 120)}`);
      const line = LINE.exec(rec.text);
      const marker = MARKER.exec(rec.text);
      if (line) seen.push(Number(line[1]));
      else if (marker) markers.push({ at: seen.length, lost: Number(marker[1]!.replace(/,/g, "")) });
      else throw new Error(`unexpected text: ${rec.text.slice(0, 120)}`);
    }
    expect(seen.every((n, i) => i === 0 || n > seen[i - 1]!)).toBe(true);
    for (let n = 1; n <= 2000; n++) expect(seen[n - 1]).toBe(n);
    expect(seen.slice(-2000)).toEqual(Array.from({ length: 2000 }, (_, i) => 32001 + i));
    const lost = 34000 - seen.length;
    expect(lost).toBeGreaterThan(25_000);
    // One marker, right before the lines written once space returned, with the exact count.
    expect(markers).toEqual([{ at: seen.length - 2000, lost }]);
    const flood = JSON.parse((await tend(["ps", "--json"], { env })).stdout).processes.find((p: { name: string }) => p.name === "flood");
    expect(flood.logLinesLost).toBe(lost);
  },
  60_000,
);
