import type { LogEntry } from "../client/logs";
import { parseTimestamp } from "../core/cri";
import { splitName } from "../core/names";
import { dim } from "./colors";
import { NamePrefix } from "./name-prefix";

export interface LogLook {
  /** `name | ` in front of each line (several names interleaved). */
  prefixed: boolean;
  /** Each line's time in front of it (`-t`). */
  timestamps: boolean;
  /** NDJSON (docs/json.md) instead of text. */
  json: boolean;
  color: boolean;
}

/** How `tend logs` and the dumps of `logs --all` and `run` print one entry of a log. */
export function logFormatter(names: string[], look: LogLook): (e: LogEntry) => string {
  if (look.json) {
    return (e) => {
      const time = Number((parseTimestamp(e.ts) ?? 0n) / 1_000_000n);
      return `${JSON.stringify({ ...splitName(e.name), time, ts: e.ts, stream: e.stream, text: e.text, ...(e.partial ? { partial: true } : {}) })}\n`;
    };
  }
  const prefix = new NamePrefix(names, look.color);
  // Bare lines keep a line longer than 1 MiB whole; with prefixes each part is a line of its own.
  if (!look.prefixed && !look.timestamps) return (e) => (e.partial ? e.text : `${e.text}\n`);
  return (e) => `${look.prefixed ? prefix.line(e.name) : ""}${look.timestamps ? `${dim(e.ts, look.color)} ` : ""}${e.text}\n`;
}
