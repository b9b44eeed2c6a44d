import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import {
  ATTACH_LAST_LINES,
  endedEvent,
  MAX_UNREAD_BYTES,
  parseAttachQuery,
  parseControl,
  stateEvent,
  type AttachEvent,
  type AttachQuery,
} from "../core/attach-protocol";
import { TendError } from "../core/errors";
import { isSettled, type ProcessRecord } from "../core/process-status";
import { lastScreenText } from "../core/screen-capture";
import { withoutQueries } from "../core/terminal-reports";
import { lastLoggedLines } from "../platform/log-tail";
import type { RawRoute } from "./api-answer";
import { screenCapture } from "./api-screen";
import type { Supervisor } from "./supervisor";

export interface AttachData {
  name: string;
  query: AttachQuery;
  unsubscribe: (() => void) | null;
  /** While the screen is being brought up to date: output that came after it was asked for. */
  pending: Uint8Array[] | null;
  /** Over MAX_UNREAD_BYTES behind: output is skipped until the client has read most of it. */
  behind: boolean;
  skipped: number;
}

type Socket = ServerWebSocket<AttachData>;

/** A client that fell behind is caught up once it has this little left unread. */
const CAUGHT_UP_BYTES = MAX_UNREAD_BYTES / 4;

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
    const data: AttachData = { name, query: parseAttachQuery(params), unsubscribe: null, pending: null, behind: false, skipped: 0 };
    if ((server as Server<AttachData>).upgrade(req, { data })) return undefined;
    throw new TendError("attach is a WebSocket endpoint", "bad_request", `connect with a WebSocket client to ws+unix://<socket>:/v1/processes/${name}/attach`);
  };
}

function ended({ status }: ProcessRecord): boolean {
  return isSettled(status.state);
}

function sendEvent(ws: Socket, event: AttachEvent): void {
  ws.send(JSON.stringify(event));
}

function unsubscribe(ws: Socket): void {
  ws.data.unsubscribe?.();
  ws.data.unsubscribe = null;
}

/** A pipe session's last lines, asking the attaching terminal nothing. */
function lastLines(sup: Supervisor, record: ProcessRecord): Uint8Array {
  const recent = sup.recentOutput(record.spec.name);
  if (recent) return withoutQueries(recent.lastLines(ATTACH_LAST_LINES));
  const lines = lastLoggedLines(sup.paths.logsDir, record.spec.name, ATTACH_LAST_LINES);
  return withoutQueries(Buffer.from(lines.map((l) => `${l}\n`).join("")));
}

/** What a client is shown of a process that ended for good: its last screen, or last lines. */
async function finalOutput(sup: Supervisor, record: ProcessRecord): Promise<Uint8Array> {
  if (!record.spec.tty) return lastLines(sup, record);
  const capture = await screenCapture(sup, record.spec.name, 0);
  return Buffer.from(capture ? lastScreenText(capture, true, "\r\n") : "");
}

/**
 * Output, state and input of one process over a WebSocket; any number of clients at once. The
 * process's terminal takes the size of the client that last attached or resized, and when that
 * one leaves, of the one before it (as tmux does).
 */
export function attachWebSocket(sup: Supervisor): WebSocketHandler<AttachData> {
  /** Per process, its clients with their sizes (those with a terminal), the one whose size counts last. */
  const sized = new Map<string, Array<{ ws: Socket; cols: number; rows: number }>>();
  /** An attached terminal answers the program's queries; with none, the screen model does. */
  const answering = (name: string) => {
    const screen = sup.screen(name);
    if (screen) screen.answersQueries = !sized.has(name);
  };
  const setSize = (ws: Socket, cols: number, rows: number) => {
    const list = (sized.get(ws.data.name) ?? []).filter((c) => c.ws !== ws);
    list.push({ ws, cols, rows });
    sized.set(ws.data.name, list);
    answering(ws.data.name);
    sup.resize(ws.data.name, cols, rows);
  };
  const forgetSize = (ws: Socket) => {
    const list = sized.get(ws.data.name);
    if (!list) return;
    const wasLast = list.at(-1)?.ws === ws;
    const rest = list.filter((c) => c.ws !== ws);
    if (rest.length === 0) sized.delete(ws.data.name);
    else sized.set(ws.data.name, rest);
    answering(ws.data.name);
    const now = rest.at(-1);
    if (wasLast && now) sup.resize(ws.data.name, now.cols, now.rows);
  };

  /** Sends the current screen once the model has taken in all output so far, then what came since. */
  const sendScreen = (ws: Socket) => {
    const screen = sup.screen(ws.data.name);
    if (!screen) return;
    ws.data.pending = [];
    screen.whenCurrent(() => {
      const pending = ws.data.pending ?? [];
      ws.data.pending = null;
      if (ws.readyState !== WebSocket.OPEN) return;
      // Binary, as all output is: text frames are events.
      ws.send(Buffer.from(screen.snapshot()));
      for (const chunk of pending) send(ws, chunk);
    });
  };

  /** Back within reach: a terminal redraws the screen; a pipe client hears what it missed. */
  const catchUp = (ws: Socket) => {
    if (!ws.data.behind || ws.getBufferedAmount() > CAUGHT_UP_BYTES) return;
    ws.data.behind = false;
    if (sup.screen(ws.data.name)) {
      sendScreen(ws);
      return;
    }
    sendEvent(ws, { type: "skipped", bytes: ws.data.skipped });
    ws.data.skipped = 0;
  };

  /** The end, after what a lagging client still lacks: the last screen, or how much it skipped. */
  const end = (ws: Socket, record: ProcessRecord) => {
    unsubscribe(ws);
    const close = () => {
      sendEvent(ws, endedEvent(record));
      ws.close(1000, "ended");
    };
    const screen = sup.screen(ws.data.name);
    const behind = ws.data.behind;
    ws.data.behind = false;
    if (behind && !screen) sendEvent(ws, { type: "skipped", bytes: ws.data.skipped });
    if (!screen || (!behind && !ws.data.pending)) return close();
    // After a screen already on its way, in order.
    screen.whenCurrent(() => {
      if (behind) ws.send(Buffer.from(screen.snapshot()));
      close();
    });
  };

  const send = (ws: Socket, chunk: Uint8Array) => {
    if (ws.data.pending) {
      ws.data.pending.push(chunk.slice());
      return;
    }
    if (ws.data.behind) {
      ws.data.skipped += chunk.length;
      catchUp(ws);
      return;
    }
    ws.send(chunk);
    if (ws.getBufferedAmount() > MAX_UNREAD_BYTES) ws.data.behind = true;
  };

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
      if (ended(record)) {
        // Even a live-only client is shown how it ended.
        void finalOutput(sup, record).then((output) => {
          if (output.length > 0) ws.send(output);
          end(ws, record);
        });
        return;
      }
      const { size, live } = ws.data.query;
      if (size) setSize(ws, size.cols, size.rows);
      ws.data.unsubscribe = sup.subscribe(ws.data.name, {
        chunk: (_stream, chunk) => send(ws, chunk),
        change: (next) => (ended(next) ? end(ws, next) : sendEvent(ws, stateEvent(next))),
        removed: () => ws.close(1000, "removed"),
      });
      if (!live && record.spec.tty) sendScreen(ws);
      else if (!live) {
        const replay = lastLines(sup, record);
        if (replay.length > 0) ws.send(replay);
      }
      sendEvent(ws, stateEvent(record));
    },
    message(ws, message) {
      if (typeof message !== "string") {
        sup.writeStdin(ws.data.name, message);
        return;
      }
      const control = parseControl(message);
      if ("error" in control) sendEvent(ws, { type: "error", message: control.error });
      else setSize(ws, control.cols, control.rows);
    },
    drain(ws) {
      catchUp(ws);
    },
    close(ws) {
      unsubscribe(ws);
      forgetSize(ws);
    },
  };
}
