import type { ProcessRecord, ProcessState } from "./process-status";

/**
 * The frames of `GET /v1/processes/:name/attach` (a WebSocket). Binary frames carry bytes:
 * the process's output to the client, the client's keystrokes to the process. Text frames
 * carry one JSON object each, these below.
 *
 * A `--tty` session's first frame is its current screen, drawn from the supervisor's model of
 * its terminal; a client that falls behind gets the current screen again instead of what it
 * missed. A pipe session's first frame is its last lines; a client that falls behind is told
 * how many bytes it skipped. With `?live=1` neither comes: only what the process writes from
 * now on. `?cols=&rows=` give the client's size first, so the screen it gets is drawn for it.
 */

/** Server → client. */
export type AttachEvent =
  | { type: "state"; state: ProcessState; pid: number | null; restarts: number; reason: string | null }
  /** The process ended and will not restart by itself; the server closes the socket next. */
  | { type: "ended"; state: ProcessState; exitCode: number | null; exitSignal: string | null; reason: string | null }
  | { type: "error"; message: string }
  /** This client fell behind and `bytes` of a pipe session's output were not sent to it. */
  | { type: "skipped"; bytes: number };

/** Client → server. */
export type AttachControl = { type: "resize"; cols: number; rows: number };

/** Lines shown on attaching to a session without a terminal, or to one that has ended. */
export const ATTACH_LAST_LINES = 50;

/** Output a client may leave unread before it is skipped ahead. The child never waits for a client. */
export const MAX_UNREAD_BYTES = 1024 * 1024;

export interface AttachQuery {
  size: { cols: number; rows: number } | null;
  live: boolean;
}

export function attachQueryString({ size, live }: AttachQuery): string {
  const q = new URLSearchParams();
  if (size) {
    q.set("cols", String(size.cols));
    q.set("rows", String(size.rows));
  }
  if (live) q.set("live", "1");
  const text = q.toString();
  return text ? `?${text}` : "";
}

export function parseAttachQuery(q: URLSearchParams): AttachQuery {
  const cols = Number(q.get("cols"));
  const rows = Number(q.get("rows"));
  return { size: isSize(cols) && isSize(rows) ? { cols, rows } : null, live: q.get("live") === "1" };
}

export function stateEvent({ status }: ProcessRecord): AttachEvent {
  return { type: "state", state: status.state, pid: status.pid, restarts: status.restarts, reason: status.reason };
}

export function endedEvent({ status }: ProcessRecord): AttachEvent {
  return { type: "ended", state: status.state, exitCode: status.exitCode, exitSignal: status.exitSignal, reason: status.reason };
}

const isSize = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 10_000;

/** A control message from its JSON text, or why it is not one. */
export function parseControl(text: string): AttachControl | { error: string } {
  let value: { type?: unknown; cols?: unknown; rows?: unknown };
  try {
    value = JSON.parse(text);
  } catch {
    return { error: "control message is not valid JSON" };
  }
  if (value?.type !== "resize") return { error: `unknown control message type ${JSON.stringify(value?.type)}; known: resize` };
  if (!isSize(value.cols) || !isSize(value.rows)) return { error: "resize needs whole numbers cols and rows between 1 and 10000" };
  return { type: "resize", cols: value.cols, rows: value.rows };
}
