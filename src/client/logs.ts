import type { StreamName } from "../core/cri";
import { processNotFound, TendError } from "../core/errors";
import { isSettled, type ProcessRecord } from "../core/process-status";
import { LogHistory, MergedHistory, namesWithLogs, type LogFilter } from "../platform/log-files";
import type { HomeLayout } from "../platform/paths";
import { readProcessRecords } from "../platform/process-records";
import type { ApiClient } from "./api-client";
import { NdjsonSplitter } from "./ndjson";

export interface LogsRequest {
  /** Empty with `all`. */
  names: string[];
  all: boolean;
  follow: boolean;
  filter: LogFilter;
  /** Ends a follow early; the outcome is then `complete`. */
  signal?: AbortSignal;
}

export interface LogEntry {
  name: string;
  ts: string;
  stream: StreamName;
  text: string;
  /** A part of a line longer than 1 MiB, not its end: the line goes on in the next entry of its name and stream. */
  partial: boolean;
}

export interface LogsSink {
  /** The names whose lines will come, before any line. */
  start(names: string[]): void;
  /** Resolves when the lines are written, so a slow reader of ours slows the source down. */
  lines(batch: LogEntry[]): void | Promise<void>;
}

export type LogsOutcome =
  /** Nothing more to show. */
  | { kind: "complete" }
  /** The supervisor dropped the stream: we read more slowly than the processes wrote. */
  | { kind: "dropped" }
  /**
   * Read from the files with no supervisor to ask; `stillRunning` names records that disagree,
   * `unanswered` says why a supervisor that is there was not asked.
   */
  | { kind: "offline"; stillRunning: string[]; unanswered?: string };

const BATCH_LINES = 2000;
function logsPath(names: string[], req: LogsRequest): string {
  const q = new URLSearchParams();
  for (const n of names) q.append("name", n);
  if (req.filter.tail !== undefined) q.set("tail", String(req.filter.tail));
  if (req.filter.sinceNs !== undefined) q.set("since", String(req.filter.sinceNs));
  if (req.filter.stream) q.set("stream", req.filter.stream);
  if (req.follow) q.set("follow", "1");
  return `/v1/logs?${q}`;
}

/** Reads the supervisor's NDJSON log stream as it comes, a chunk at a time. */
export async function logsFromApi(api: ApiClient, req: LogsRequest, sink: LogsSink): Promise<LogsOutcome> {
  const names = req.all ? (await api.get<{ processes: ProcessRecord[] }>("/v1/processes")).processes.map((r) => r.spec.name) : req.names;
  if (names.length === 0) {
    sink.start([]);
    return { kind: "complete" };
  }
  const body = await api.stream(logsPath(names, req), req.signal);
  sink.start(names);
  const reader = body.getReader();
  const records = new NdjsonSplitter();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const batch: LogEntry[] = [];
      for (const line of records.push(value)) {
        const entry = JSON.parse(line) as LogEntry & { dropped?: boolean };
        if (entry.dropped) {
          await sink.lines(batch);
          return { kind: "dropped" };
        }
        batch.push(entry);
      }
      if (batch.length > 0) await sink.lines(batch);
    }
  } catch (error) {
    if (req.signal?.aborted) return { kind: "complete" };
    throw new TendError(`the log stream broke off: ${(error as Error).message}`, "stream_broken", 'check the supervisor with "tend status"');
  }
  return { kind: "complete" };
}

/** With no supervisor, the files are all there is: history only, nothing live. */
export async function logsFromFiles(paths: HomeLayout, req: LogsRequest, sink: LogsSink): Promise<LogsOutcome> {
  const records = readProcessRecords(paths).records;
  const known = [...new Set([...records.map((r) => r.spec.name), ...namesWithLogs(paths.logsDir)])].sort();
  for (const name of req.names) if (!known.includes(name)) throw processNotFound(name, known);
  const names = req.all ? known : req.names;
  sink.start(names);
  const merged = new MergedHistory(names.map((n) => new LogHistory(paths.logsDir, n, req.filter)));
  try {
    let batch: LogEntry[] = [];
    for (let line = merged.next(); line; line = merged.next()) {
      batch.push({ name: line.name, ts: line.ts, stream: line.stream, text: line.text, partial: line.partial });
      if (batch.length >= BATCH_LINES) {
        await sink.lines(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await sink.lines(batch);
  } finally {
    merged.close();
  }
  const stillRunning = records.filter((r) => names.includes(r.spec.name) && !isSettled(r.status.state)).map((r) => r.spec.name);
  return { kind: "offline", stillRunning };
}
