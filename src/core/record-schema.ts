import * as v from "valibot";
import { Spec } from "./create-body";
import type { ProcessRecord, ProcessState } from "./process-status";
import { FullProcessName, issuePath } from "./value-schemas";

const STATES = ["queued", "starting", "running", "ready", "exited", "crashed", "backoff", "parked", "stopping", "stopped"] as const satisfies readonly ProcessState[];

const text = v.nullable(v.string());
const count = v.nullable(v.number());

/**
 * A `processes/<name>.json` as tend writes it: the spec with the same rules as an API body, and
 * every status field any reader relies on. Fields later versions added may be missing; a file
 * with a field of the wrong type (`"name": 7`) is not a record, and is set aside like a corrupt one.
 */
const Record = v.object({
  spec: v.intersect([Spec, v.object({ name: FullProcessName })]),
  status: v.object({
    name: v.string(),
    origin: v.picklist(["worker", "session"]),
    state: v.picklist(STATES),
    reason: text,
    pid: count,
    pidStartTime: text,
    restarts: v.number(),
    exitCode: count,
    exitSignal: text,
    startedAt: count,
    endedAt: count,
    nextRestartAt: count,
    marker: text,
    worktree: text,
    readyAt: count,
    notReady: text,
    logLinesLost: v.optional(v.number()),
    probeError: v.optional(text),
    project: v.optional(text),
  }),
});

/** Why `value`, read from `<file>`, is not a process record; null when it is one. */
export function recordProblem(value: unknown, file: string): string | null {
  const parsed = v.safeParse(Record, value);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issuePath(issue);
    return `${where ? `${where}: ` : ""}${issue.message}`;
  }
  const record: ProcessRecord = parsed.output as ProcessRecord;
  if (`${record.spec.name}.json` !== file) return `it names the process "${record.spec.name}", not the one its file is named for`;
  return null;
}
