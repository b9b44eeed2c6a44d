import path from "node:path";
import { spawn } from "../lib/exec";
import { checkLog, expectedLine, tailHas, type LineCheck } from "../lib/log-check";
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
}

/** Watches a log file grow until its last line is the generator's last line. */
async function watchLog(file: string, lastLine: string, t0: number): Promise<Timing | null> {
  let first: number | null = null;
  let lastSize = -1;
  let lastGrowth = performance.now();
  for (;;) {
    const { size, done } = tailHas(file, lastLine);
    const now = performance.now();
    if (size > 0 && first === null) first = now;
    if (done) return { total: now - t0, pipeline: now - (first ?? now) };
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

const TITLE = "Log throughput: one process writes N lines of 80 bytes and exits";

export const w2: Workload = {
  id: "W2",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const lines = ctx.quick ? 100_000 : 1_000_000;
    const gen = ["sh", path.join(ctx.fixtures, "gen-lines.sh"), String(lines)];
    const lastLine = expectedLine(lines);
    const media: { medium: Medium; reps: number }[] = [
      ...(hasTmpfs() ? [{ medium: "tmpfs" as const, reps: ctx.quick ? 3 : 10 }] : []),
      { medium: "disk", reps: ctx.quick ? 1 : 5 },
    ];
    const metrics: Metric[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    const columns: Column[] = ["limit", ...ctx.tools.map((t) => t.id)];

    for (const { medium, reps } of media) {
      const where = medium === "tmpfs" ? "logs on tmpfs" : "logs on disk";
      const total = metric(`${lines.toLocaleString("en-US")} lines, ${where}: command invoked → last line in the file (ms)`, "ms", "lower");
      const pipeline = metric(`same, pipeline alone: first → last line in the file (ms)`, "ms", "lower");
      const integrity = metric(`same, lines lost or split (total over all runs)`, "count", "none");
      const tallies = new Map<Column, Tally>(columns.map((c) => [c, { runs: 0, incomplete: 0, lost: 0, broken: 0, duplicated: 0, outOfOrder: 0, partialRecords: 0 }]));

      const record = (column: Column, timing: Timing | null, file: string, format: "cri" | "raw") => {
        const tally = tallies.get(column)!;
        tally.runs++;
        if (timing) {
          addSample(total, column, timing.total);
          addSample(pipeline, column, timing.pipeline);
        } else {
          tally.incomplete++;
        }
        addCheck(tally, checkLog(file, lines, format));
      };

      for (let rep = 0; rep < reps; rep++) {
        {
          const dir = scratchDir("w2-sh", medium);
          const file = path.join(dir, "out.log");
          const t0 = performance.now();
          const sh = spawn(["sh", "-c", 'exec "$@" > "$0"', file, ...gen]);
          const timing = await watchLog(file, lastLine, t0);
          await sh.done;
          record("limit", timing, file, "raw");
          removeDir(dir);
        }
        for (const tool of ctx.tools) {
          await withInstance(tool, "w2", medium, async ({ inst }) => {
            const file = inst.logFile("gen");
            const t0 = performance.now();
            const started = inst.start([{ name: "gen", argv: gen, restart: "no" }]);
            // A failed start surfaces at the await below; until then it must not count as unhandled.
            started.catch(() => {});
            const timing = await watchLog(file, lastLine, t0);
            await started;
            record(tool.id, timing, file, inst.logFormat);
          });
        }
        ctx.log(`W2 (${where}) repetition ${rep + 1}/${reps} done`);
      }

      for (const [column, tally] of tallies) {
        (integrity.text ??= {})[column] = describeTally(tally);
        addSample(integrity, column, tally.lost + tally.broken + tally.duplicated + tally.outOfOrder);
        if (column === "tend" && tally.partialRecords > 0) notes.push(`tend wrote ${tally.partialRecords} partial (P) records with ${where}; none were expected.`);
      }
      metrics.push(total, pipeline, integrity);
      notes.push(`${where}: ${reps} runs per column in ${mediumDescription(medium)}, columns interleaved in each run.`);

      if (medium === (hasTmpfs() ? "tmpfs" : "disk")) {
        const tend = median(total, "tend");
        const limit = median(total, "limit");
        const sup = median(total, "supervisord");
        const pm2 = median(total, "pm2");
        const tt = tallies.get("tend")!;
        checks.push(
          {
            target: `W2 (${where}): within 1.5× of plain-shell \`> file\``,
            measured: tend !== null && limit !== null ? `${fmtNumber(tend / limit)}× (${fmtNumber(tend)} ms vs ${fmtNumber(limit)} ms)` : "not measured",
            met: tend !== null && limit !== null ? tend <= 1.5 * limit : null,
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
          {
            target: `W2 (${where}): no line lost or split`,
            measured: describeTally(tt),
            met: tt.runs > 0 ? tt.lost + tt.broken + tt.duplicated + tt.outOfOrder + tt.incomplete === 0 : null,
          },
        );
      }
    }
    notes.push(
      `Generator: \`fixtures/gen-lines.sh\` (awk, 80-byte numbered lines), the same for the shell and every tool; the shell column is \`sh gen-lines.sh N > file\`. Each tool starts cold (fresh state folder, its daemon started by the command) with one process that runs the generator once. Times come from watching the file every ${POLL_MS} ms. Every line of every log is checked (CRI records of tend decoded, P pieces joined).`,
      "tend stores each line with its CRI prefix (timestamp, stream, tag: 41 bytes), so its log is about 1.5× the bytes of the others' bare output.",
    );
    return { id: "W2", title: TITLE, metrics, checks, notes };
  },
};
