import type { ApiErrorBody } from "../core/api-types";
import { formatDuration, parseDuration } from "../core/duration";
import { TendError, UsageError } from "../core/errors";
import type { SupervisorInfo } from "../core/supervisor-info";
import { checkOwnSocket } from "../platform/home-trust";

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * How long a client waits for the supervisor to connect and begin its answer (TEND_TIMEOUT).
 * Every answer begins within a second, long operations included, so only a supervisor that is
 * frozen or swamped takes longer.
 */
export function answerTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TEND_TIMEOUT;
  if (raw === undefined || raw === "") return DEFAULT_TIMEOUT_MS;
  try {
    const ms = parseDuration(raw);
    if (ms > 0) return ms;
  } catch {
    // Said below, as for any other bad value.
  }
  throw new UsageError(`TEND_TIMEOUT=${raw}: expected a duration longer than 0, like 5s or 1m`);
}

/** A supervisor alive by its identity that gave no answer in time. */
export function notAnswering(pid: number, waitedMs: number): TendError {
  return new TendError(
    `the supervisor (pid ${pid}) does not answer (nothing within ${formatDuration(waitedMs)})`,
    "not_answering",
    '"tend kill --all" ends it and every process; TEND_TIMEOUT=30s waits longer',
  );
}

/**
 * Supervisors (by pid) that gave no answer in time to this process: a command that asks again
 * is told at once, so it waits out the timeout once, whatever it asks after. For twice the
 * timeout only: a client that stays (`tend ui`) asks again later, as a supervisor that was
 * swamped or stopped (SIGSTOP) may answer again.
 */
const unanswered = new Map<number, { error: TendError; at: number }>();

/**
 * HTTP/1.1 + JSON over the supervisor's unix socket: the one place requests are sent. API
 * errors come back as TendErrors with their code.
 */
export class ApiClient {
  constructor(readonly supervisor: Pick<SupervisorInfo, "pid" | "socket">) {}

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>("GET", path, undefined, signal);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  /** A streamed answer (logs), once it has begun: an error answer is thrown, the body left to read. */
  async stream(path: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const res = await this.send("GET", path, undefined, signal);
    if (res.ok && res.body) return res.body;
    throw errorOf(res.status, await res.text());
  }

  private async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.send(method, path, body, signal);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new TendError(`the supervisor answered ${res.status} with a body that is not JSON`, "bad_response");
    }
    // A long operation's answer starts before its outcome is known: a failure then comes as
    // an error body after a 200.
    if (!res.ok || (parsed as Partial<ApiErrorBody> | null)?.error) throw errorOf(res.status, text);
    return parsed as T;
  }

  private async send(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
    // The timeout covers the connection and the answer's first byte, not a stream's length.
    const timeoutMs = answerTimeoutMs();
    const silent = unanswered.get(this.supervisor.pid);
    if (silent && Date.now() - silent.at < 2 * timeoutMs) throw silent.error;
    checkOwnSocket(this.supervisor.socket);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const passOn = () => abort.abort(signal?.reason);
    signal?.addEventListener("abort", passOn, { once: true });
    try {
      return await fetch(`http://tend${path}`, {
        method,
        unix: this.supervisor.socket,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: abort.signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      if (abort.signal.aborted) {
        const error = notAnswering(this.supervisor.pid, timeoutMs);
        unanswered.set(this.supervisor.pid, { error, at: Date.now() });
        throw error;
      }
      throw new TendError(
        `cannot reach the supervisor (pid ${this.supervisor.pid}) at ${this.supervisor.socket}: ${(error as Error).message}`,
        "unreachable",
        'check it with "tend status"',
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

function errorOf(status: number, text: string): TendError {
  try {
    const err = (JSON.parse(text) as ApiErrorBody).error;
    return new TendError(err.message, err.code, err.hint);
  } catch {
    return new TendError(`the supervisor answered ${status} with a body that is not the API's`, "bad_response");
  }
}
