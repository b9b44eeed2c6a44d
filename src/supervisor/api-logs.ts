import { KEEP_ALIVE_MS } from "../core/api-types";
import { isSettled } from "../core/process-status";
import { formatTimestamp, parseTimestamp, type StreamName } from "../core/cri";
import { TendError } from "../core/errors";
import { LogWriter } from "./log-writer";
import { LogHistory, MergedHistory, PieceJoiner, type Joined, type LogFilter } from "../platform/log-files";
import type { RawRoute } from "./api-answer";
import { nowNs } from "./output-pump";
import type { Supervisor } from "./supervisor";

/** History is read ahead up to this much, so a reader that keeps up never waits on the disk. */
const READ_AHEAD_BYTES = 1024 * 1024;
/** A follower further behind than this is dropped rather than held in memory. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
const HISTORY_BATCH_BYTES = 256 * 1024;

// History goes out as strings, which the server encodes as it writes; live lines as bytes.
const DROPPED = `${JSON.stringify({ dropped: true, reason: "client too slow" })}\n`;
const KEEPALIVE = "\n";

interface LogsQuery {
  names: string[];
  filter: LogFilter;
  follow: boolean;
}


/** Built by hand: a flood of lines to a follower is served on the event loop that drains the children. */
function head(name: string, ts: string, stream: StreamName, partial: boolean): string {
  return `{"name":${JSON.stringify(name)},"ts":"${ts}","stream":"${stream}","partial":${partial},"text":`;
}

function record(name: string, ts: string, stream: StreamName, line: { text: string; partial: boolean }): string {
  return `${head(name, ts, stream, line.partial)}${JSON.stringify(line.text)}}\n`;
}

/** Whether the bytes are their own JSON string body: printable ASCII without quote or backslash. */
function jsonPlain(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c) return false;
  }
  return true;
}

/**
 * Live records gathered as bytes, sent once per turn. A line of plain ASCII, what a flood
 * mostly is, is copied as it is: no string is made of it, so a fast child costs a follower
 * one copy of its output and little garbage.
 */
class LiveBatch {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  ts = "";

  get empty(): boolean {
    return this.used === 0;
  }

  add(name: string, stream: StreamName, line: Joined): void {
    const start = head(name, this.ts, stream, line.partial);
    if (!jsonPlain(line.bytes)) {
      this.write(`${start}${JSON.stringify(Buffer.from(line.bytes.buffer, line.bytes.byteOffset, line.bytes.byteLength).toString("utf8"))}}\n`);
      return;
    }
    this.reserve(start.length + line.bytes.length + 4);
    this.used += this.buf.write(start, this.used, "latin1");
    this.buf[this.used++] = 0x22;
    this.buf.set(line.bytes, this.used);
    this.used += line.bytes.length;
    this.used += this.buf.write(`"}\n`, this.used, "latin1");
  }

  /** What was gathered, as one chunk of its own; the batch starts afresh. */
  take(): Uint8Array {
    const out = Buffer.from(this.buf.subarray(0, this.used));
    this.used = 0;
    return out;
  }

  private write(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.used += this.buf.write(text, this.used, "utf8");
  }

  private reserve(n: number): void {
    if (this.used + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.used + n, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}

function bad(message: string): TendError {
  return new TendError(message, "bad_request", "e.g. /v1/logs?name=web&tail=100&follow=1");
}

function parseLogsQuery(params: URLSearchParams): LogsQuery {
  const names = [...new Set(params.getAll("name"))];
  if (names.length === 0) throw bad("give one or more names: ?name=web&name=worker");
  const filter: LogFilter = {};
  const tail = params.get("tail");
  if (tail !== null) {
    if (!/^\d+$/.test(tail)) throw bad(`tail must be a number of lines, got "${tail}"`);
    filter.tail = Number(tail);
  }
  const since = params.get("since");
  if (since !== null) {
    const ns = /^\d+$/.test(since) ? BigInt(since) : parseTimestamp(since);
    if (ns === null) throw bad(`since must be epoch nanoseconds or an RFC 3339 time, got "${since}"`);
    filter.sinceNs = ns;
  }
  const stream = params.get("stream");
  if (stream !== null) {
    if (stream !== "stdout" && stream !== "stderr") throw bad(`stream must be stdout or stderr, got "${stream}"`);
    filter.stream = stream;
  }
  const follow = params.get("follow");
  return { names, filter, follow: follow === "1" || follow === "true" };
}

/**
 * One client's log stream: the history, read lazily from files opened when the request came,
 * then (with follow) every new line, until the processes have ended for good. Live lines come
 * from a subscription taken in the same tick as the files were opened: the log writer flushes
 * at the end of every chunk, so each line is either in the files or in the subscription.
 */
class LogFeed {
  readonly body: ReadableStream<string | Uint8Array>;
  private controller!: ReadableStreamDefaultController<string | Uint8Array>;
  private history: MergedHistory | null;
  /** Live lines that came while the history is still being sent. */
  private waiting: Uint8Array[] = [];
  private waitingBytes = 0;
  private readonly batch = new LiveBatch();
  /** Names still followed, and how to stop following each. */
  private readonly following = new Map<string, () => void>();
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private done = false;

  constructor(
    private readonly sup: Supervisor,
    query: LogsQuery,
    signal: AbortSignal,
  ) {
    const joiners = new Map(query.names.map((n) => [n, new PieceJoiner()]));
    if (query.follow) {
      for (const name of query.names) this.follow(name, joiners.get(name)!, query.filter.stream);
    }
    // Lines read so far are on disk before the files are opened; later ones come subscribed.
    LogWriter.flushPending();
    const sources = query.names.map((n) => new LogHistory(sup.paths.logsDir, n, query.filter, { holdUnfinished: true }));
    for (const s of sources) for (const u of s.unfinished) joiners.get(s.name)!.push(u.stream, u.text, true);
    this.history = new MergedHistory(sources);
    this.body = new ReadableStream<string | Uint8Array>(
      {
        start: (c) => {
          this.controller = c;
        },
        pull: () => this.sendHistory(),
        cancel: () => this.stop(),
      },
      { highWaterMark: READ_AHEAD_BYTES, size: (chunk) => chunk?.length ?? 0 },
    );
    signal.addEventListener("abort", () => this.stop(), { once: true });
    if (!query.follow) return;
    // The answer begins now, also for a process that has written nothing yet: a client takes
    // a supervisor that has not begun its answer within TEND_TIMEOUT for a frozen one.
    this.enqueue(KEEPALIVE);
    this.keepAlive = setInterval(() => this.enqueue(KEEPALIVE), KEEP_ALIVE_MS);
    for (const name of query.names) if (isSettled(sup.get(name).status.state)) this.ended(name);
  }

  private follow(name: string, joiner: PieceJoiner, only: StreamName | undefined): void {
    this.following.set(
      name,
      this.sup.subscribe(name, {
        line: (stream, line, partial) => {
          if (only && stream !== only) return;
          const joined = joiner.push(stream, line, partial);
          if (joined !== null) this.live(name, stream, joined);
        },
        change: (rec) => {
          if (isSettled(rec.status.state)) this.ended(name);
        },
        removed: () => this.ended(name),
      }),
    );
  }

  private ended(name: string): void {
    this.following.get(name)?.();
    this.following.delete(name);
    this.finishIfDone();
  }

  /**
   * Live lines are gathered and sent once per turn: one pipe read of the child gives many, and
   * they share its moment, as they do in the log file.
   */
  private live(name: string, stream: StreamName, line: Joined): void {
    if (this.batch.empty) {
      this.batch.ts = formatTimestamp(nowNs());
      queueMicrotask(() => this.flushLive());
    }
    this.batch.add(name, stream, line);
  }

  private flushLive(): void {
    if (this.done || this.batch.empty) return;
    const chunk = this.batch.take();
    if (this.history) {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
    } else this.enqueue(chunk);
    const queued = READ_AHEAD_BYTES - (this.controller.desiredSize ?? 0);
    if (queued + this.waitingBytes > MAX_BACKLOG_BYTES) this.drop();
  }

  private sendHistory(): void {
    if (this.done || !this.history) return;
    const parts: string[] = [];
    let bytes = 0;
    while (bytes < HISTORY_BATCH_BYTES) {
      const line = this.history.next();
      if (!line) {
        this.history.close();
        this.history = null;
        break;
      }
      const text = record(line.name, line.ts, line.stream, line);
      parts.push(text);
      bytes += text.length;
    }
    if (parts.length > 0) this.enqueue(parts.join(""));
    if (this.history) return;
    if (this.waiting.length > 0) this.enqueue(Buffer.concat(this.waiting));
    this.waiting = [];
    this.waitingBytes = 0;
    this.finishIfDone();
  }

  private finishIfDone(): void {
    if (this.history || this.following.size > 0) return;
    this.flushLive();
    if (this.done) return;
    this.stop();
    this.controller.close();
  }

  private enqueue(chunk: string | Uint8Array): void {
    if (this.done) return;
    try {
      this.controller.enqueue(chunk);
    } catch {
      this.stop();
    }
  }

  /** The client reads too slowly: it is told, and nothing more is kept for it. */
  private drop(): void {
    if (this.done) return;
    this.stop();
    try {
      this.controller.enqueue(DROPPED);
      this.controller.close();
    } catch {
      // Already cancelled by the client.
    }
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    for (const off of this.following.values()) off();
    this.following.clear();
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.history?.close();
    this.history = null;
    this.waiting = [];
  }
}

/**
 * GET /v1/logs?name=a&name=b&tail=N&since=<ns|RFC 3339>&stream=stdout|stderr&follow=1 —
 * NDJSON, one `{"name","ts","stream","partial","text"}` per line, history interleaved by time;
 * a line longer than 1 MiB comes in parts, all but the last with `"partial":true`. Blank lines
 * are keep-alives. A follower that falls too far behind gets
 * `{"dropped":true,"reason":"client too slow"}` and the end of the stream.
 */
export function logsRoute(sup: Supervisor): RawRoute {
  return (req, _server, params) => {
    const query = parseLogsQuery(params);
    for (const name of query.names) sup.get(name);
    const feed = new LogFeed(sup, query, req.signal);
    return new Response(feed.body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
  };
}
