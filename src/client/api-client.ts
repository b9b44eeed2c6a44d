import type { ApiErrorBody } from "../core/api-types";
import { TendError } from "../core/errors";
import type { SupervisorInfo } from "../core/supervisor-info";
import { checkOwnSocket } from "../platform/home-trust";

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
    checkOwnSocket(this.supervisor.socket);
    try {
      return await fetch(`http://tend${path}`, {
        method,
        unix: this.supervisor.socket,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new TendError(
        `cannot reach the supervisor (pid ${this.supervisor.pid}) at ${this.supervisor.socket}: ${(error as Error).message}`,
        "unreachable",
        'check it with "tend status"',
      );
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
