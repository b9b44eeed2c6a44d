import type { Instance, ProcSpec, Tool } from "../adapters/types";
import { waitFor } from "../lib/poll";
import { removeDir, scratchDir, type Medium } from "../lib/scratch";
import { summarize } from "../lib/stats";
import type { Column, Metric } from "./types";

export const ROLE_KEY = "TEND_BENCH_ROLE";

export function sleepers(n: number, role: string): ProcSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `s${i}`,
    argv: ["sleep", "3600"],
    env: { [ROLE_KEY]: role },
    restart: "always" as const,
  }));
}

/** Polls the tool's own list command until it shows every one of `count` processes running. */
export async function waitAllRunning(inst: Instance, count: number, timeoutMs = 60_000) {
  return waitFor(
    `${count} processes running`,
    async () => {
      const listed = await inst.list();
      return listed.length === count && listed.every((p) => p.state === "running") ? listed : undefined;
    },
    timeoutMs,
    0,
  );
}

export interface Live {
  tool: Tool;
  inst: Instance;
  dir: string;
}

/** Runs `body` with a fresh instance of the tool, and always ends and removes it afterwards. */
export async function withInstance<T>(tool: Tool, label: string, medium: Medium, body: (live: Live) => Promise<T>): Promise<T> {
  const dir = scratchDir(`${label}-${tool.id}`, medium);
  const inst = tool.instance(dir);
  try {
    return await body({ tool, inst, dir });
  } finally {
    await inst.cleanup();
    removeDir(dir);
  }
}

export function median(m: Metric, column: Column): number | null {
  return summarize(m.samples[column] ?? [])?.median ?? null;
}

export function fmtNumber(value: number, digits = 3): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 10 ** digits) return Math.round(value).toLocaleString("en-US");
  return Number(value.toPrecision(digits)).toString();
}
