import type { Tool } from "../adapters/types";
import type { Column, Metric, SectionResult, Unit } from "../workloads/types";
import { summarize } from "./stats";
import { markdownTable } from "./table";

function num(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return "?";
  if (unit === "count") return String(Math.round(value));
  const digits = unit === "cpu-s" ? 2 : 3;
  if (value === 0) return "0";
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString("en-US");
  if (unit === "cpu-s" && Math.abs(value) < 0.01) return value.toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
  return Number(value.toPrecision(digits)).toString();
}

function cell(m: Metric, column: Column): string {
  const text = m.text?.[column];
  if (text !== undefined) return text;
  const s = summarize(m.samples[column] ?? []);
  if (!s) return "—";
  if (s.n === 1 || s.min === s.max) return num(s.median, m.unit);
  return `${num(s.median, m.unit)} (${num(s.min, m.unit)}–${num(s.max, m.unit)})`;
}

function ratio(m: Metric, other: Column): string {
  if (m.better === "none") return "";
  const tend = summarize(m.samples.tend ?? [])?.median;
  const them = summarize(m.samples[other] ?? [])?.median;
  if (tend === undefined || them === undefined || tend <= 0 || them <= 0) return "—";
  const r = m.better === "lower" ? them / tend : tend / them;
  return `${r >= 10 ? Math.round(r) : r.toFixed(r >= 1 ? 1 : 2)}×`;
}

/** `versus`: the reference is a tool doing the same job, so tend's ratio to it is shown too. */
const REFERENCES: { column: Column; header: string; versus?: true }[] = [
  { column: "limit", header: "shell `> file`" },
  { column: "floor", header: "bare Bun pipeline" },
  { column: "tmux", header: "tmux", versus: true },
];

/** One table for every workload: a row per metric, a column per reference and tool, then tend's ratio to each tool. */
export function resultsTable(sections: SectionResult[], tools: Tool[]): string {
  const others = tools.filter((t) => t.id !== "tend");
  const has = (m: Metric, column: Column) => m.samples[column] !== undefined || m.text?.[column] !== undefined;
  const refs = REFERENCES.filter((r) => sections.some((s) => s.metrics.some((m) => has(m, r.column))));
  const versus = refs.filter((r) => r.versus);
  const headers = ["", "Metric", ...refs.map((r) => r.header), ...tools.map((t) => t.id), ...others.map((t) => `tend vs ${t.id}`), ...versus.map((r) => `tend vs ${r.header}`)];
  const rows: string[][] = [];
  for (const s of sections) {
    s.metrics.forEach((m, i) => {
      rows.push([
        i === 0 ? `**${s.id}**` : "",
        m.label,
        ...refs.map((r) => (has(m, r.column) ? cell(m, r.column) : "")),
        ...tools.map((t) => cell(m, t.id)),
        ...others.map((t) => ratio(m, t.id)),
        ...versus.map((r) => (has(m, r.column) ? ratio(m, r.column) : "")),
      ]);
    });
  }
  return markdownTable(headers, rows);
}

export function checksTable(sections: SectionResult[]): string {
  const rows = sections.flatMap((s) =>
    s.checks.map((c) => [c.target, c.measured, c.met === null ? "not judged" : c.met ? "met" : "**missed**"]),
  );
  return markdownTable(["Target for tend", "Measured", ""], rows);
}

export interface ReportInput {
  sections: SectionResult[];
  failures: { id: string; error: string }[];
  tools: Tool[];
  skipped: { id: string; why: string }[];
  machine: string[];
  notes: string[];
  command: string;
  startedAt: Date;
  minutes: number;
  leftovers: string;
}

export function report(r: ReportInput): string {
  const out: string[] = [];
  out.push("# tend benchmarks: tend, pm2 and supervisord side by side", "");
  out.push(`Run \`${r.command}\` on ${r.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC; it took ${r.minutes.toFixed(1)} min.`, "");
  out.push("## Machine and tools", "");
  for (const line of r.machine) out.push(`- ${line}`);
  for (const t of r.tools) out.push(`- ${t.id} ${t.version}`);
  for (const s of r.skipped) out.push(`- ${s.id}: skipped, ${s.why}`);
  out.push("");
  out.push("## Results", "");
  out.push(
    "Each cell: median (min–max) over the repetitions. \"tend vs X\" is how many times better tend is than X on that row, from the medians (X ÷ tend for times, CPU and memory; tend ÷ X for rates): above 1× tend is better, below 1× it is worse.",
    "",
  );
  out.push(resultsTable(r.sections, r.tools));
  for (const f of r.failures) out.push(`**${f.id} failed:** ${f.error}`, "");
  out.push("## Targets", "");
  out.push(checksTable(r.sections));
  out.push("## How each workload was measured", "");
  for (const s of r.sections) {
    out.push(`### ${s.id}: ${s.title}`, "");
    for (const n of s.notes) out.push(`- ${n}`);
    out.push("");
  }
  out.push("## Clean-up", "");
  for (const n of r.notes) out.push(`- ${n}`);
  out.push(`- ${r.leftovers}`, "");
  return out.join("\n");
}
