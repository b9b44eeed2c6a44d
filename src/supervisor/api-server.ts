import { chmodSync, rmSync } from "node:fs";
import type { Server, WebSocketHandler } from "bun";
import type { ApiErrorBody, CreateBody, CreatedBody, StatusBody } from "../core/api-types";
import { parseDuration } from "../core/duration";
import { TendError } from "../core/errors";
import type { SupervisorInfo } from "../core/supervisor-info";
import { normaliseSignal } from "../core/process-spec";
import type { Supervisor } from "./supervisor";

export interface ApiHandlers {
  supervisor: Supervisor;
  info: () => SupervisorInfo;
  shutdown: () => void;
  /** Told when a request starts and ends, so an idle supervisor never leaves mid-request. */
  activity?: { begin(): void; end(): void };
}

/** A route that needs more than JSON in, JSON out (streams, WebSockets). */
export type RawRoute = (req: Request, server: Server<unknown>, params: URLSearchParams) => Response | undefined | Promise<Response | undefined>;

const STATUS_OF: Record<string, number> = {
  bad_request: 400,
  usage: 400,
  not_found: 404,
  name_taken: 409,
  not_attachable: 409,
  no_screen: 409,
  spawn_failed: 422,
  sandbox_unavailable: 422,
  shutting_down: 503,
};

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

export function errorResponse(error: TendError): Response {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message, hint: error.hint } };
  return json(body, STATUS_OF[error.code] ?? 500);
}

async function readJson<T>(req: Request): Promise<T> {
  const text = await req.text();
  if (text === "") return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new TendError("request body is not valid JSON", "bad_request");
  }
}

function signalParam(value: unknown): NodeJS.Signals | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const signal = normaliseSignal(String(value).toUpperCase());
  if (!signal) throw new TendError(`unknown signal "${value}"`, "bad_request", "use e.g. SIGTERM, SIGINT, SIGKILL");
  return signal as NodeJS.Signals;
}

function graceParam(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  try {
    return parseDuration(typeof value === "number" ? value : String(value));
  } catch (error) {
    throw new TendError((error as Error).message, "bad_request");
  }
}

async function create(req: Request, h: ApiHandlers): Promise<Response> {
  const body = await readJson<CreateBody & { replace?: boolean }>(req);
  if (!Array.isArray(body.processes)) throw new TendError('expected { "processes": [...] }', "bad_request");
  const { records, errors } = await h.supervisor.add(body.processes, { replace: body.replace === true });
  // A session that cannot start is the caller's error, not a parked entry left behind.
  const failedSessions = records.filter((r) => r.spec.origin === "session" && r.status.state === "parked" && r.status.pid === null && r.status.startedAt === null);
  if (failedSessions.length > 0 && errors[0]) {
    for (const r of failedSessions) await h.supervisor.remove(r.spec.name, {});
    throw errors[0];
  }
  const created: CreatedBody = { records, errors: errors.map((e) => ({ code: e.code, message: e.message, hint: e.hint })) };
  return json(created, 201);
}

async function route(req: Request, h: ApiHandlers, raw: Record<string, RawRoute>, server: Server<unknown>): Promise<Response | undefined> {
  const url = new URL(req.url);
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== "v1") throw new TendError(`no such endpoint: ${req.method} ${url.pathname}`, "not_found");
  const [, resource, name, action] = parts;
  const sup = h.supervisor;

  if (resource === "status" && req.method === "GET" && !name) {
    const body: StatusBody = { supervisor: h.info(), processes: sup.list() };
    return json(body);
  }
  if (resource === "shutdown" && req.method === "POST" && !name) {
    queueMicrotask(h.shutdown);
    return json({ ok: true }, 202);
  }
  if (resource === "processes" && !name) {
    if (req.method === "GET") return json({ processes: sup.list() });
    if (req.method === "POST") return create(req, h);
  }
  if (resource === "processes" && name) {
    if (!action && req.method === "GET") return json(sup.get(name));
    if (!action && req.method === "DELETE") {
      const q = url.searchParams;
      const record = await sup.remove(name, { signal: signalParam(q.get("signal")), graceMs: graceParam(q.get("grace")), keep: q.get("keep") === "1" });
      return json(record);
    }
    if (action === "stop" && req.method === "POST") {
      const body = await readJson<{ signal?: string; grace?: string | number }>(req);
      return json(await sup.stop(name, signalParam(body.signal), graceParam(body.grace)));
    }
    if (action === "restart" && req.method === "POST") return json(await sup.restart(name));
  }
  const rawRoute = raw[`${req.method} ${resource}${action ? `/:name/${action}` : ""}`];
  if (rawRoute) {
    if (name) url.searchParams.set("name", name);
    return rawRoute(req, server, url.searchParams);
  }
  throw new TendError(`no such endpoint: ${req.method} ${url.pathname}`, "not_found");
}

/**
 * Serves the control API (HTTP/1.1 + JSON) on the unix socket, reachable by the owner only.
 * `raw` adds streaming and WebSocket routes keyed as "GET logs" or "GET processes/:name/attach".
 */
export function serveApi(
  socket: string,
  h: ApiHandlers,
  raw: Record<string, RawRoute> = {},
  websocket?: WebSocketHandler<any>,
): { stop(): Promise<void> } {
  rmSync(socket, { force: true });
  const server = Bun.serve({
    unix: socket,
    async fetch(req: Request, srv: Server<unknown>) {
      h.activity?.begin();
      try {
        return await route(req, h, raw, srv);
      } catch (error) {
        if (error instanceof TendError) return errorResponse(error);
        return errorResponse(new TendError(String((error as Error)?.message ?? error), "internal"));
      } finally {
        h.activity?.end();
      }
    },
    websocket: websocket ?? { message() {} },
  });
  chmodSync(socket, 0o600);
  return {
    async stop() {
      // Streams still sending (a follower's last lines) get a moment to finish.
      await Promise.race([server.stop(false), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      server.stop(true);
      rmSync(socket, { force: true });
    },
  };
}
