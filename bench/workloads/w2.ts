import path from "node:path";
import { spawn } from "../lib/exec";
import { checkLog, expectedLine, tailHas, type LineCheck } from "../lib/log-check";
import { cpuNs } from "../lib/proc-stats";
import { hasTmpfs, mediumDescription, removeDir, scratchDir, type Medium } from "../lib/scratch";
import { fmtNumber, median, withInstance } from "./common";
import { addSample, metric, type Check, type Column, type Metric, type SectionResult, type Workload } from "./types";

const POLL_MS = 2;
// A log that stops growing for this long will not get its last line any more.
const STALL_MS = 10_000;

interface Timing {
  /** From invoking the command until the last line was in the file. */
  total: number;
  /** From the first byte in the file until the last line was. */
  pipeline: number;
  /** CPU the writing process (the tool's daemon) spent from the first byte to the last line, in ns. */
  cpuNs: number | null;
}

/**
 * Watches a log file grow until its last line is the generator's last line. `writer` finds the
 * process that writes the file, whose CPU time is taken at the first byte and at the last line.
 */
async function watchLog(file: string, lastLine: string, t0: number, writer: () => number | null): Promise<Timing | null> {
  let first: number | null = null;
  let pid: number | null = null;
  let cpu0: number | null = null;
  let lastSize = -1;
  let lastGrowth = performance.now();
  for (;;) {
    const { size, done } = tailHas(file, lastLine);
    const now = performance.now();
    if (size > 0 && first === null) {
      first = now;
      pid = writer();
      cpu0 = pid === null ? null : cpuNs(pid);
    }
    if (done) {
      const cpu1 = pid === null ? null : cpuNs(pid);
      return { total: now - t0, pipeline: now - (first ?? now), cpuNs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null };
    }
    if (size !== lastSize) {
      lastSize = size;
      lastGrowth = now;
    } else if (now - lastGrowth > STALL_MS) {
      return null;
    }
    await Bun.sleep(POLL_MS);
  }
}

interface Tally {
  runs: number;
  incomplete: number;
  lost: number;
  broken: number;
  duplicated: number;
  outOfOrder: number;
  partialRecords: number;
}

function addCheck(t: Tally, c: LineCheck): void {
  t.lost += c.lost;
  t.broken += c.broken;
  t.duplicated += c.duplicated;
  t.outOfOrder += c.outOfOrder;
  t.partialRecords += c.partialRecords;
}

function describeTally(t: Tally): string {
  const parts = [`${t.lost} lost`, `${t.broken} split/garbled`];
  if (t.duplicated) parts.push(`${t.duplicated} duplicated`);
  if (t.outOfOrder) parts.push(`${t.outOfOrder} out of order`);
  if (t.incomplete) parts.push(`${t.incomplete} runs never got their last line`);
  return `${parts.join(", ")} in ${t.runs} runs`;
}

/** One way of producing the lines: a generator command, its line width, where the logs go. */
interface Variant {
  label: string;
  medium: Medium;
  reps: number;
  width: number;
  gen: string[];
  /** Whether tend's ratios to the references in this variant are the targets of the workload. */
  targets: "awk" | "fast" | null;
}

const TITLE = "Log throughput: one process writes N lines and exits";
const BARE_PIPELINE = path.join(import.meta.dir, "..", "fixtures", "bare-bun-pipeline.ts");

function ratio(a: number | null, b: number | null): string {
  return a !== null && b !== null ? `${fmtNumber(a / b)}× (${fmtNumber(a)} ms vs ${fmtNumber(b)} ms)` : "not measured";
}

export const w2: Workload = {
  id: "W2",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const lines = ctx.quick ? 100_000 : 1_000_000;
    const count = lines.toLocaleString("en-US");
    const awk = (width: number) => ["sh", path.join(ctx.fixtures, "gen-lines.sh"), String(lines), String(width)];
    const tmpfs = hasTmpfs();
    const fastMedium: Medium = tmpfs ? "tmpfs" : "disk";
    // The fast producer's input, written once: `cat` of it costs far less than any tool's pipeline.
    const readyDir = scratchDir("w2-ready", fastMedium);
    const ready = path.join(readyDir, "lines.txt");
    await spawn(["sh", "-c", 'exec "$@" > "$0"', ready, ...awk(84)]).done;

    const variants: Variant[] = [
      ...(tmpfs ? [{ label: "awk, logs on tmpfs", medium: "tmpfs" as const, reps: ctx.quick ? 3 : 10, width: 80, gen: awk(80), targets: "awk" as const }] : []),
      { label: "awk, logs on disk", medium: "disk", reps: ctx.quick ? 1 : 5, width: 80, gen: awk(80), targets: tmpfs ? null : "awk" },
      { label: `\`cat\` of a ready file, logs on ${fastMedium}`, medium: fastMedium, reps: ctx.quick ? 3 : 10, width: 84, gen: ["cat", ready], targets: "fast" },
    ];
    const metrics: Metric[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    const columns: Column[] = ["limit", "floor", ...ctx.tools.map((t) => t.id)];

    for (const v of variants) {
      const total = metric(`${count} lines of ${v.width} B, ${v.label}: command invoked → last line in the file (ms)`, "ms", "lower");
      const pipeline = metric(`same, pipeline alone: first → last line in the file (ms)`, "ms", "lower");
      const cpu = metric(`same, CPU time of the process writing the log, per million lines (ms)`, "ms", "lower");
      const integrity = metric(`same, lines lost or split (total over all runs)`, "count", "none");
      const tallies = new Map<Column, Tally>(columns.map((c) => [c, { runs: 0, incomplete: 0, lost: 0, broken: 0, duplicated: 0, outOfOrder: 0, partialRecords: 0 }]));
      const lastLine = expectedLine(lines, v.width);

      const record = (column: Column, timing: Timing | null, file: string, format: "cri" | "raw") => {
        const tally = tallies.get(column)!;
        tally.runs++;
        if (timing) {
          addSample(total, column, timing.total);
          addSample(pipeline, column, timing.pipeline);
          if (timing.cpuNs !== null) addSample(cpu, column, timing.cpuNs / 1e6 / (lines / 1e6));
        } else {
          tally.incomplete++;
        }
        addCheck(tally, checkLog(file, lines, format, v.width));
      };

      for (let rep = 0; rep < v.reps; rep++) {
        {
          const dir = scratchDir("w2-sh", v.medium);
          const file = path.join(dir, "out.log");
          const t0 = performance.now();
          const sh = spawn(["sh", "-c", 'exec "$@" > "$0"', file, ...v.gen]);
          const timing = await watchLog(file, lastLine, t0, () => null);
          await sh.done;
          record("limit", timing, file, "raw");
          removeDir(dir);
        }
        {
          const dir = scratchDir("w2-bun", v.medium);
          const file = path.join(dir, "out.log");
          const t0 = performance.now();
          const bare = spawn([process.execPath, BARE_PIPELINE, file, ...v.gen]);
          const timing = await watchLog(file, lastLine, t0, () => bare.pid);
          await bare.done;
          record("floor", timing, file, "cri");
          removeDir(dir);
        }
        for (const tool of ctx.tools) {
          await withInstance(tool, "w2", v.medium, async ({ inst }) => {
            const file = inst.logFile("gen");
            const t0 = performance.now();
            const started = inst.start([{ name: "gen", argv: v.gen, restart: "no" }]);
            // A failed start surfaces at the await below; until then it must not count as unhandled.
            started.catch(() => {});
            const timing = await watchLog(file, lastLine, t0, () => inst.supervisorPid());
            await started;
            record(tool.id, timing, file, inst.logFormat);
          });
        }
        ctx.log(`W2 (${v.label}) repetition ${rep + 1}/${v.reps} done`);
      }

      for (const [column, tally] of tallies) {
        (integrity.text ??= {})[column] = describeTally(tally);
        addSample(integrity, column, tally.lost + tally.broken + tally.duplicated + tally.outOfOrder);
        if (column === "tend" && tally.partialRecords > 0) notes.push(`tend wrote ${tally.partialRecords} partial (P) records (${v.label}); none were expected.`);
      }
      metrics.push(total, pipeline, cpu, integrity);
      notes.push(`${v.label}: ${v.reps} runs per column in ${mediumDescription(v.medium)}, columns interleaved in each run.`);

      const where = v.label;
      const tt = tallies.get("tend")!;
      if (v.targets === "awk") {
        const tend = median(total, "tend");
        const sup = median(total, "supervisord");
        const pm2 = median(total, "pm2");
        checks.push(
          {
            target: `W2 (${where}): within 1.5× of plain-shell \`> file\``,
            measured: ratio(tend, median(total, "limit")),
            met: tend !== null && median(total, "limit") !== null ? tend <= 1.5 * median(total, "limit")! : null,
          },
          {
            target: `W2 (${where}): beats supervisord`,
            measured: tend !== null && sup !== null ? `${fmtNumber(sup / tend)}× (${fmtNumber(tend)} ms vs ${fmtNumber(sup)} ms)` : "not measured",
            met: tend !== null && sup !== null ? tend < sup : null,
          },
          {
            target: `W2 (${where}): ≥ 2× faster than pm2`,
            measured: tend !== null && pm2 !== null ? `${fmtNumber(pm2 / tend)}× (${fmtNumber(tend)} ms vs ${fmtNumber(pm2)} ms)` : "not measured",
            met: tend !== null && pm2 !== null ? pm2 >= 2 * tend : null,
          },
        );
      }
      if (v.targets === "fast") {
        const tend = median(pipeline, "tend");
        const limit = median(pipeline, "limit");
        const floor = median(pipeline, "floor");
        checks.push(
          {
            target: `W2 (${where}), pipeline alone: within 3× of \`cat > file\``,
            measured: ratio(tend, limit),
            met: tend !== null && limit !== null ? tend <= 3 * limit : null,
          },
          {
            target: `W2 (${where}), pipeline alone: within 2× of \`cat > file\` (moonshot)`,
            measured: ratio(tend, limit),
            met: tend !== null && limit !== null ? tend <= 2 * limit : null,
          },
          {
            target: `W2 (${where}), pipeline alone: faster than the bare Bun pipeline`,
            measured: ratio(tend, floor),
            met: tend !== null && floor !== null ? tend < floor : null,
          },
        );
      }
      if (v.targets !== null) {
        checks.push({
          target: `W2 (${where}): no line lost or split`,
          measured: describeTally(tt),
          met: tt.runs > 0 ? tt.lost + tt.broken + tt.duplicated + tt.outOfOrder + tt.incomplete === 0 : null,
        });
      }
    }
    removeDir(readyDir);
    notes.push(
      "Generators: `fixtures/gen-lines.sh` (awk, numbered lines of 80 bytes), and `cat` of a file of the same generator's 84-byte lines written before the runs (the fast producer: awk alone takes about as long as the pipelines it feeds). The same command runs in every column.",
      "Columns: shell `> file` is the generator's output redirected to the file (the physical limit); the bare Bun pipeline is `fixtures/bare-bun-pipeline.ts` (spawn the generator, split its output on newlines, copy a fixed 40-byte prefix and each line into a 4 MiB buffer, write it when full: the floor of per-line framing in JavaScript); then each tool, started cold (fresh state folder, its daemon started by the command) with one process that runs the generator once. Times come from watching the file every " +
        `${POLL_MS} ms. Every line of every log is checked (CRI records of tend decoded, P pieces joined).`,
      "CPU time is that of the process that writes the log (tend's supervisor, pm2's God daemon, supervisord, the bare pipeline), summed over its threads from the kernel's scheduler accounting, from the first byte in the file to the last line.",
      "tend stores each line with its CRI prefix (timestamp, stream, tag: 41 bytes), so its log is about 1.5× the bytes of the others' bare output; the bare Bun pipeline writes the same amount.",
    );
    return { id: "W2", title: TITLE, metrics, checks, notes };
  },
};
