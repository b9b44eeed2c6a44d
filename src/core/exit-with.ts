import { UsageError } from "./errors";
import { splitName } from "./names";
import type { ProcessRecord } from "./process-status";

/** `start --exit-with`: which process's end stops the rest, as foreman and compose do. */
export type ExitWith = { kind: "first" } | { kind: "name"; name: string };

/** `names` are full names (`shop/web`); the one given may be said within its project (`web`). */
export function parseExitWith(value: string, names: string[]): ExitWith {
  if (value === "first") return { kind: "first" };
  const name = names.find((n) => n === value || splitName(n).name === value);
  if (name !== undefined) return { kind: "name", name };
  const local = names.map((n) => splitName(n).name);
  throw new UsageError(`--exit-with ${value}: expected "first" or the name of a process`, local.length ? `processes: ${local.join(", ")}` : undefined);
}

/**
 * Whether this change ends the whole stack, and how the run ended: a run of the process
 * asked for (or of any, with `first`) that ended by itself — a restart it would get does not
 * save it; a stop someone asked for, or a process that never ran, does not count.
 */
export function stackEndsWith(option: ExitWith, record: ProcessRecord): { code: number | null; signal: string | null } | null {
  const s = record.status;
  if (option.kind === "name" && record.spec.name !== option.name) return null;
  const ended = s.state === "exited" || s.state === "crashed" || s.state === "backoff" || (s.state === "parked" && s.startedAt !== null);
  if (!ended || (s.exitCode === null && s.exitSignal === null)) return null;
  return { code: s.exitCode, signal: s.exitSignal };
}
