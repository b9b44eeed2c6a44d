import { exitedBeforeReady } from "../core/probe-spec";
import { formatDuration } from "../core/duration";
import { splitName } from "../core/names";
import type { ProcessRecord } from "../core/process-status";
import { lastLines } from "../client/last-lines";
import type { TendClient } from "../client/tend-client";
import type { WaitAnswer, WaitOutcome } from "../core/api-types";
import { annotateError } from "./github-actions";

/** How long a process whose probe gave up may take to end, so the report says how it ended. */
const SETTLE_MS = 1000;

/**
 * A probe that gave up often means the process is about to end (a server that could not bind a
 * port someone else holds): if it does within a moment, that is the answer, with its last lines.
 */
export async function settledAnswer(client: TendClient, name: string, answer: WaitAnswer): Promise<WaitAnswer> {
  if (answer.outcome !== "not-ready") return answer;
  const end = await client.wait(name, "exit", SETTLE_MS).catch(() => null);
  return end?.outcome === "exited" ? end : answer;
}

/** Why a readiness wait failed, in one line. */
export function failureLine(name: string, outcome: WaitOutcome, record: ProcessRecord | null, waitedMs: number): string {
  const s = record?.status;
  switch (outcome) {
    case "exited":
      return exitedBeforeReady(name, s?.exitCode ?? null, s?.exitSignal ?? null, s?.notReady ?? null);
    case "not-ready":
      return `${name} ${s?.notReady ?? "not ready"}; it is still running (end it with "tend kill ${name}")`;
    case "removed":
      return `${name} was removed while waiting`;
    default:
      return `${name} not ready after ${formatDuration(waitedMs)}; it is still running (end it with "tend kill ${name}")`;
  }
}

/**
 * One process's readiness wait as `bg --json` and `wait --json` show it (docs/json.md);
 * `reason` is null when it became ready.
 */
export function readinessJson(name: string, record: ProcessRecord | null, waitedMs: number, reason: string | null) {
  const s = record?.status;
  return { ...splitName(name), pid: s?.pid ?? null, state: s?.state ?? null, ready: reason === null, readyAt: s?.readyAt ?? null, waitedMs, reason };
}

/** How long the run took to become ready, from its start. */
export function readyAfter(record: ProcessRecord | null): string {
  const s = record?.status;
  return s?.readyAt && s.startedAt ? formatDuration(s.readyAt - s.startedAt) : "";
}

/**
 * A failed readiness wait, as CI needs it: one line saying what happened (an error annotation
 * on GitHub Actions), then the process's last log lines.
 */
export async function reportNotReady(client: TendClient, name: string, line: string, tail: number): Promise<void> {
  process.stderr.write(`tend: ${line}\n`);
  annotateError(line);
  const lines = await lastLines(client, name, tail).catch(() => []);
  if (lines.length === 0) return;
  process.stderr.write(`--- last ${lines.length} line${lines.length === 1 ? "" : "s"} of ${name} ---\n${lines.join("\n")}\n---\n`);
}
