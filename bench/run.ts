// Benchmarks tend against pm2 and supervisord: `npm run bench [-- W2 …] [--quick]`.
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { preparePm2 } from "./adapters/pm2";
import { prepareSupervisord } from "./adapters/supervisord";
import { prepareTend } from "./adapters/tend";
import type { Preparation, Tool } from "./adapters/types";
import { marked, runId, sweep } from "./lib/cleanup";
import { machineLines } from "./lib/machine";
import { report, resultsTable, checksTable } from "./lib/report";
import { removeAllScratch, scratchDir } from "./lib/scratch";
import type { SectionResult, Workload } from "./workloads/types";
import { w1 } from "./workloads/w1";
import { w2 } from "./workloads/w2";
import { w3 } from "./workloads/w3";
import { w4 } from "./workloads/w4";
import { w5 } from "./workloads/w5";
import { w6 } from "./workloads/w6";
import { w7 } from "./workloads/w7";
import { w8 } from "./workloads/w8";

const root = path.resolve(import.meta.dir, "..");
const benchDir = import.meta.dir;
const builtTend = path.join(root, "dist", "tend");
const workloads: Workload[] = [w1, w2, w3, w4, w5, w6, w7, w8];

function usage(message: string): never {
  console.error(`bench: ${message}\nusage: npm run bench [-- [W1 … W8] [--quick]]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const wanted = args.filter((a) => a !== "--quick").map((a) => a.toUpperCase());
for (const a of wanted) if (!workloads.some((w) => w.id === a)) usage(`unknown workload or option "${a}"`);
const selected = wanted.length > 0 ? workloads.filter((w) => wanted.includes(w.id)) : workloads;
const complete = !quick && selected.length === workloads.length;

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

async function endEverything(): Promise<string[]> {
  const killed = await sweep();
  removeAllScratch();
  return killed;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: ending every process the bench started …`);
    void endEverything().then(() => process.exit(130));
  });
}

const startedAt = new Date();
const loadAtStart = os.loadavg()[0]!;
const t0 = performance.now();
log(`bench run ${runId}${quick ? " (quick)" : ""}: ${selected.map((w) => w.id).join(" ")}`);

const stale = await sweep(true);
if (stale.length > 0) log(`ended ${stale.length} processes left by an earlier, interrupted bench run`);

// A private copy, so a rebuild of dist/tend during the run cannot mix two builds in one table.
const tendBin = existsSync(builtTend) ? path.join(scratchDir("bin"), "tend") : builtTend;
if (tendBin !== builtTend) {
  copyFileSync(builtTend, tendBin);
  chmodSync(tendBin, 0o755);
}

const notes: string[] = [];
const tools: Tool[] = [];
const skipped: { id: string; why: string }[] = [];
const preparations: [string, () => Promise<Preparation>][] = [
  ["tend", () => prepareTend(tendBin)],
  ["pm2", () => preparePm2(path.join(benchDir, ".cache"))],
  ["supervisord", () => prepareSupervisord()],
];
for (const [id, prepare] of preparations) {
  const p = await prepare().catch((e: Error): Preparation => ({ ok: false, why: e.message, notes: [] }));
  notes.push(...p.notes);
  if (p.ok) {
    tools.push(p.tool);
    log(`${id} ${p.tool.version}`);
  } else {
    skipped.push({ id, why: p.why });
    log(`skipping ${id}: ${p.why}`);
  }
}
if (!tools.some((t) => t.id === "tend")) {
  console.error(`bench: ${skipped.find((s) => s.id === "tend")?.why}`);
  process.exit(1);
}

const sections: SectionResult[] = [];
const failures: { id: string; error: string }[] = [];
const ctx = { tools, quick, fixtures: path.join(benchDir, "fixtures"), log };
for (const w of selected) {
  if (interrupted) break;
  log(`${w.id}: ${w.title}`);
  try {
    sections.push(await w.run(ctx));
  } catch (error) {
    failures.push({ id: w.id, error: (error as Error).message });
    log(`${w.id} failed: ${(error as Error).message}`);
  }
  // Anything still alive now was missed by an adapter's clean-up: end it, and say so.
  const missed = await sweep();
  if (missed.length > 0) notes.push(`after ${w.id} the sweep had to end ${missed.length} processes: ${missed.slice(0, 5).join("; ")}`);
}
if (interrupted) await new Promise(() => {});

await endEverything();
const left = marked();
const leftovers =
  left.length === 0
    ? "After the run a scan of /proc found no process carrying this run's marker: nothing was left behind."
    : `After the run ${left.length} processes of this run were still alive: ${left.join(", ")}.`;
const minutes = (performance.now() - t0) / 60_000;

const command = `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`;
const md = report({ sections, failures, tools, skipped, machine: machineLines(loadAtStart), notes, command, startedAt, minutes, leftovers });
const resultsDir = path.join(benchDir, "results");
mkdirSync(resultsDir, { recursive: true });
// Only a full run replaces the published figures; a partial one is kept beside them, untracked.
const out = path.join(resultsDir, complete ? "latest.md" : "partial.md.tmp");
writeFileSync(`${out}.${process.pid}.tmp`, md);
renameSync(`${out}.${process.pid}.tmp`, out);

console.log(`\n${resultsTable(sections, tools)}\n${checksTable(sections)}`);
log(leftovers);
log(`results written to ${path.relative(process.cwd(), out)} (${minutes.toFixed(1)} min)`);
process.exit(failures.length > 0 || left.length > 0 ? 1 : 0);
