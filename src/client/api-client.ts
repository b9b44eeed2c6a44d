import type { ApiErrorBody } from "../core/api-types";
import { TendError } from "../core/errors";
import { checkOwnSocket } from "../platform/home-trust";

/** HTTP/1.1 + JSON over the supervisor's unix socket. API errors come back as TendErrors with their code. */
export class ApiClient {
  constructor(private readonly socket: string) {}

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>("GET", path, undefined, signal);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    checkOwnSocket(this.socket);
    let res: Response;
    try {
      res = await fetch(`http://tend${path}`, {
        method,
        unix: this.socket,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throw new TendError(
        `cannot reach the supervisor at ${this.socket}: ${(error as Error).message}`,
        "unreachable",
        'check it with "tend status"',
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new TendError(`supervisor answered ${res.status} with a body that is not JSON`, "bad_response");
    }
    // A long operation's answer starts before its outcome is known: a failure then comes as
    // an error body after a 200.
    const err = (parsed as Partial<ApiErrorBody> | null)?.error;
    if (!res.ok || err) {
      throw new TendError(err?.message ?? `supervisor answered ${res.status}`, err?.code ?? "bad_response", err?.hint);
    }
    return parsed as T;
  }
}
