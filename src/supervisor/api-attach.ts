import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { ATTACH_LAST_LINES, CLOSE_TOO_SLOW, endedEvent, parseControl, stateEvent, type AttachEvent } from "../core/attach-protocol";
import { TendError } from "../core/errors";
import { isSettled, type ProcessRecord } from "../core/process-status";
import { lastLoggedLines } from "../platform/log-tail";
import type { RawRoute } from "./api-server";
import type { Supervisor } from "./supervisor";

export interface AttachData {
  name: string;
  unsubscribe: (() => void) | null;
}

type Socket = ServerWebSocket<AttachData>;

/**
 * Output a client may leave unread before it is dropped. The child's output is never held up
 * for a client: past this, the client goes (and is told why), not the child's pace.
 */
const MAX_UNREAD_BYTES = 1024 * 1024;

/** GET /v1/processes/:name/attach: upgrades to the WebSocket that `attachWebSocket` serves. */
export function attachRoute(sup: Supervisor): RawRoute {
  return (req, server, params) => {
    const name = params.get("name")!;
    const record = sup.get(name);
    if (!ended(record) && sup.recentOutput(name) === null) {
      throw new TendError(
        `"${name}" was left running by an earlier supervisor, which alone held its input and output`,
        "not_attachable",
        `end it with "tend kill ${name}"`,
      );
    }
    if ((server as Server<AttachData>).upgrade(req, { data: { name, unsubscribe: null } })) return undefined;
    throw new TendError("attach is a WebSocket endpoint", "bad_request", `connect with a WebSocket client to ws+unix://<socket>:/v1/processes/${name}/attach`);
  };
}

function ended({ status }: ProcessRecord): boolean {
  return isSettled(status.state);
}

function sendEvent(ws: Socket, event: AttachEvent): void {
  ws.send(JSON.stringify(event));
}

function end(ws: Socket, record: ProcessRecord): void {
  ws.data.unsubscribe?.();
  ws.data.unsubscribe = null;
  sendEvent(ws, endedEvent(record));
  ws.close(1000, "ended");
}

function sendOutput(ws: Socket, bytes: Uint8Array): void {
  ws.send(bytes);
  if (ws.getBufferedAmount() <= MAX_UNREAD_BYTES) return;
  ws.data.unsubscribe?.();
  ws.data.unsubscribe = null;
  ws.close(CLOSE_TOO_SLOW, `over ${MAX_UNREAD_BYTES >> 20} MiB of output unread: client too slow, dropped`);
}

/** A terminal redraws from the raw bytes; anything else gets its last lines. */
function replayFor(sup: Supervisor, record: ProcessRecord): Uint8Array {
  const recent = sup.recentOutput(record.spec.name);
  if (recent) return record.spec.tty && !ended(record) ? recent.snapshot() : recent.lastLines(ATTACH_LAST_LINES);
  const lines = lastLoggedLines(sup.paths.logsDir, record.spec.name, ATTACH_LAST_LINES);
  return Buffer.from(lines.map((l) => `${l}\n`).join(""));
}

/** Output, state and input of one process over a WebSocket; any number of clients at once. */
export function attachWebSocket(sup: Supervisor): WebSocketHandler<AttachData> {
  return {
    // Every keystroke is a frame; a paste larger than this is a client bug, not input.
    maxPayloadLength: 1024 * 1024,
    open(ws) {
      let record: ProcessRecord;
      try {
        record = sup.get(ws.data.name);
      } catch {
        ws.close(1000, "removed");
        return;
      }
      const replay = replayFor(sup, record);
      if (replay.length > 0) ws.send(replay);
      if (ended(record)) {
        end(ws, record);
        return;
      }
      sendEvent(ws, stateEvent(record));
      ws.data.unsubscribe = sup.subscribe(ws.data.name, {
        chunk: (_stream, chunk) => sendOutput(ws, chunk),
        change: (next) => (ended(next) ? end(ws, next) : sendEvent(ws, stateEvent(next))),
        removed: () => ws.close(1000, "removed"),
      });
    },
    message(ws, message) {
      if (typeof message !== "string") {
        sup.writeStdin(ws.data.name, message);
        return;
      }
      const control = parseControl(message);
      if ("error" in control) sendEvent(ws, { type: "error", message: control.error });
      else sup.resize(ws.data.name, control.cols, control.rows);
    },
    close(ws) {
      ws.data.unsubscribe?.();
      ws.data.unsubscribe = null;
    },
  };
}
