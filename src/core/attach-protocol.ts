import type { ProcessRecord, ProcessState } from "./process-status";

/**
 * The frames of `GET /v1/processes/:name/attach` (a WebSocket). Binary frames carry bytes:
 * the process's output to the client, the client's keystrokes to the process. Text frames
 * carry one JSON object each, these below.
 */

/** Server → client. */
export type AttachEvent =
  | { type: "state"; state: ProcessState; pid: number | null; restarts: number; reason: string | null }
  /** The process ended and will not restart by itself; the server closes the socket next. */
  | { type: "ended"; state: ProcessState; exitCode: number | null; exitSignal: string | null; reason: string | null }
  | { type: "error"; message: string };

/** Client → server. */
export type AttachControl = { type: "resize"; cols: number; rows: number };

/** Lines shown on attaching to a session without a terminal, or to one that has ended. */
export const ATTACH_LAST_LINES = 50;

/** Close code when the server drops a client that does not keep up with the output. */
export const CLOSE_TOO_SLOW = 1013;

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
