import { chmodSync, rmSync } from "node:fs";
import type { ApiErrorBody, CreateBody, CreatedBody, StatusBody } from "../core/api-types";
import { TendError } from "../core/errors";
import type { SupervisorInfo } from "../core/supervisor-info";
import type { Supervisor } from "./supervisor";

export interface ApiHandlers {
  supervisor: Supervisor;
  info: () => SupervisorInfo;
  shutdown: () => void;
}

const STATUS_OF: Record<string, number> = {
  bad_request: 400,
  not_found: 404,
  name_taken: 409,
  spawn_failed: 422,
};

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

function errorResponse(error: TendError): Response {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message, hint: error.hint } };
  return json(body, STATUS_OF[error.code] ?? 500);
}

async function readJson<T>(req: Request): Promise<T> {
  try {
    return (await req.json()) as T;
  } catch {
    throw new TendError("request body is not valid JSON", "bad_request");
  }
}

async function route(req: Request, h: ApiHandlers): Promise<Response> {
  const { pathname } = new URL(req.url);
  const key = `${req.method} ${pathname}`;
  switch (key) {
    case "GET /v1/status": {
      const body: StatusBody = { supervisor: h.info(), processes: h.supervisor.list() };
      return json(body);
    }
    case "POST /v1/processes": {
      const body = await readJson<CreateBody>(req);
      if (!Array.isArray(body.processes)) throw new TendError('expected { "processes": [...] }', "bad_request");
      const { records, errors } = h.supervisor.add(body.processes);
      const created: CreatedBody = { records, errors: errors.map((e) => ({ code: e.code, message: e.message, hint: e.hint })) };
      return json(created, 201);
    }
    case "POST /v1/shutdown":
      queueMicrotask(h.shutdown);
      return json({ ok: true }, 202);
  }
  throw new TendError(`no such endpoint: ${key}`, "not_found");
}

/** Serves the control API (HTTP/1.1 + JSON) on the unix socket, reachable by the owner only. */
export function serveApi(socket: string, h: ApiHandlers): { stop(): void } {
  rmSync(socket, { force: true });
  const server = Bun.serve({
    unix: socket,
    async fetch(req) {
      try {
        return await route(req, h);
      } catch (error) {
        if (error instanceof TendError) return errorResponse(error);
        return errorResponse(new TendError(String((error as Error)?.message ?? error), "internal"));
      }
    },
  });
  chmodSync(socket, 0o600);
  return {
    stop() {
      server.stop(true);
      rmSync(socket, { force: true });
    },
  };
}
