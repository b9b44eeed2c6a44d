import type { Tool, ToolId } from "../adapters/types";

/**
 * The references are columns like the tools, measured the same way: "limit" is the plain shell
 * (`cmd > file`), "floor" a bare pipeline written in JavaScript on Bun, "tmux" tmux running the
 * same terminal session.
 */
export type Column = "limit" | "floor" | "tmux" | ToolId;

export type Unit = "ms" | "s" | "MiB" | "per-s" | "cpu-s" | "count";

export interface Metric {
  label: string;
  unit: Unit;
  /** Which way is better, for tend's ratio to the others; "none" shows no ratio. */
  better: "lower" | "higher" | "none";
  samples: Partial<Record<Column, number[]>>;
  /** Replaces the summary of a column with a sentence, e.g. a total over all runs. */
  text?: Partial<Record<Column, string>>;
}

export interface Check {
  target: string;
  measured: string;
  /** null: could not be judged (a tool was skipped, or nothing was measured). */
  met: boolean | null;
}

export interface SectionResult {
  id: string;
  title: string;
  metrics: Metric[];
  checks: Check[];
  notes: string[];
}

export interface BenchContext {
  tools: Tool[];
  quick: boolean;
  fixtures: string;
  log(message: string): void;
}

export interface Workload {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}

export function metric(label: string, unit: Unit, better: Metric["better"]): Metric {
  return { label, unit, better, samples: {} };
}

export function addSample(m: Metric, column: Column, value: number): void {
  (m.samples[column] ??= []).push(value);
}
