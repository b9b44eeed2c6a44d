import type { ProcessRecord } from "../core/process-status";
import type { SupervisorInfo } from "../core/supervisor-info";
import { KEEP_ALIVE_MS, type StatusEvent } from "../core/api-types";
import type { Supervisor } from "./supervisor";

const KEEPALIVE = "\n";

function line(event: StatusEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/**
 * One client's status event stream. Events wait in a table with one entry per process, sent
 * when the client has taken what came before: a client that falls behind skips to each
 * process's latest record instead of holding the whole history in the supervisor's memory.
 */
class EventFeed {
  readonly body: ReadableStream<string>;
  private controller!: ReadableStreamDefaultController<string>;
  private readonly pending = new Map<string, string>();
  private flushQueued = false;
  private closingSent = false;
  private ended = false;
  private unwatch = () => {};
  private keepAlive: ReturnType<typeof setInterval> | null = null;

  constructor(sup: Supervisor, info: () => SupervisorInfo, signal: AbortSignal) {
    this.body = new ReadableStream<string>(
      {
        start: (controller) => {
          this.controller = controller;
          // Taken in the same tick as the status, so no change falls between the two.
          this.unwatch = sup.watch({
            change: (record) => this.queue(record, { type: "change", record }),
            removed: (record) => this.queue(record, { type: "removed", record }),
            closing: () => this.queueClosing(),
            closed: () => this.end(),
          });
          controller.enqueue(line({ type: "status", supervisor: info(), processes: sup.list() }));
          this.keepAlive = setInterval(() => this.send(KEEPALIVE), KEEP_ALIVE_MS);
          signal.addEventListener("abort", () => this.stop(), { once: true });
        },
        pull: () => this.flush(),
        cancel: () => this.stop(),
      },
      { highWaterMark: 1 },
    );
  }

  private queue(record: ProcessRecord, event: StatusEvent): void {
    const key = record.spec.name;
    // Re-inserted, so the table keeps the order the latest events came in.
    this.pending.delete(key);
    this.pending.set(key, line(event));
    this.scheduleFlush();
  }

  private queueClosing(): void {
    this.closingSent = true;
    this.pending.set("\0closing", line({ type: "closing" }));
    this.scheduleFlush();
  }

  /** Everything that came in one turn of the event loop goes out as one chunk. */
  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.ended || this.pending.size === 0) return;
    if ((this.controller.desiredSize ?? 0) <= 0) return;
    const text = [...this.pending.values()].join("");
    this.pending.clear();
    this.send(text);
  }

  private send(text: string): void {
    if (this.ended) return;
    try {
      this.controller.enqueue(text);
    } catch {
      this.stop();
    }
  }

  /** After the last changes, the stream ends: the supervisor has stopped everything. */
  private end(): void {
    if (this.ended) return;
    if (!this.closingSent) this.queueClosing();
    const rest = [...this.pending.values()].join("");
    this.pending.clear();
    this.send(rest);
    this.stop();
    try {
      this.controller.close();
    } catch {
      // The client went away first.
    }
  }

  private stop(): void {
    this.ended = true;
    this.unwatch();
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }
}

/** `GET /v1/events`: the status, then every change of a record, as NDJSON, until the supervisor stops. */
export function eventsResponse(sup: Supervisor, info: () => SupervisorInfo, signal: AbortSignal): Response {
  const feed = new EventFeed(sup, info, signal);
  return new Response(feed.body, { headers: { "content-type": "application/x-ndjson" } });
}
