import { attachQueryString, type AttachControl, type AttachEvent, type AttachQuery } from "../core/attach-protocol";
import { TendError } from "../core/errors";
import { checkOwnSocket } from "../platform/home-trust";
import { answerTimeoutMs, notAnswering, type ApiClient } from "./api-client";

export interface AttachHandlers {
  /** Connected; called before any output arrives. */
  open(): void;
  output(bytes: Uint8Array): void;
  event(event: AttachEvent): void;
}

export interface AttachClosed {
  code: number;
  reason: string;
}

export function attachPath(name: string): string {
  return `/v1/processes/${encodeURIComponent(name)}/attach`;
}

/**
 * A WebSocket refused during the handshake tells only its HTTP status; the same request as
 * plain HTTP gets the API's JSON error (unknown name with the known ones, and so on).
 */
async function whyRefused(api: ApiClient, name: string, wsMessage: string): Promise<TendError> {
  try {
    await api.get(attachPath(name));
  } catch (error) {
    if (error instanceof TendError && error.code !== "bad_request") return error;
  }
  return new TendError(`cannot attach to "${name}": ${wsMessage}`, "attach_failed", 'check the supervisor with "tend status"');
}

const TIMED_OUT = Symbol("timed out");

/** One attached client of a process: its output and events in, keystrokes and size out. */
export class AttachConnection {
  private constructor(
    private readonly ws: WebSocket,
    /** Resolves when the supervisor or the network ends the connection. */
    readonly closed: Promise<AttachClosed>,
  ) {}

  static async open(api: ApiClient, name: string, query: AttachQuery, handlers: AttachHandlers): Promise<AttachConnection> {
    checkOwnSocket(api.supervisor.socket);
    const ws = new WebSocket(`ws+unix://${api.supervisor.socket}:${attachPath(name)}${attachQueryString(query)}`);
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e: MessageEvent) => {
      if (typeof e.data === "string") handlers.event(JSON.parse(e.data) as AttachEvent);
      else handlers.output(new Uint8Array(e.data as ArrayBuffer));
    };
    const closed = new Promise<AttachClosed>((resolve) => {
      ws.onclose = (e: CloseEvent) => resolve({ code: e.code, reason: e.reason });
    });
    const timeoutMs = answerTimeoutMs();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const opened = await new Promise<string | null | typeof TIMED_OUT>((resolve) => {
      ws.onopen = () => {
        handlers.open();
        resolve(null);
      };
      ws.onerror = (e: Event) => resolve((e as ErrorEvent).message || "connection failed");
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    clearTimeout(timer);
    if (opened === TIMED_OUT) {
      ws.close();
      throw notAnswering(api.supervisor.pid, timeoutMs);
    }
    if (opened !== null) throw await whyRefused(api, name, opened.replace(/^WebSocket connection to '.*?' failed: /, ""));
    return new AttachConnection(ws, closed);
  }

  input(bytes: Uint8Array): void {
    if (bytes.length > 0 && this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  resize(cols: number, rows: number): void {
    const control: AttachControl = { type: "resize", cols, rows };
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(control));
  }

  close(): void {
    this.ws.close(1000, "detached");
  }
}
