import { parseCriLine } from "../../src/core/cri";
import { lineFor } from "../fixtures/flood-lines";

/** Joins a log's CRI records (P pieces up to their F) back into the lines the child wrote. */
export function linesFromLog(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    if (raw === "") continue;
    const rec = parseCriLine(raw);
    if (!rec) throw new Error(`malformed log line: ${raw.slice(0, 80)}`);
    pending += rec.text;
    if (!rec.partial) {
      out.push(pending);
      pending = "";
    }
  }
  return out;
}

/** Where `got` first differs from the flood fixture's first `count` lines, or null when it is exactly them. */
export function firstMismatch(got: string[], count: number): string | null {
  for (let i = 0; i < count; i++) {
    if (got[i] !== lineFor(i)) return `line ${i}: expected ${JSON.stringify(lineFor(i).slice(0, 60))}, got ${JSON.stringify(got[i]?.slice(0, 60))}`;
  }
  return got.length === count ? null : `expected ${count} lines, got ${got.length}`;
}
