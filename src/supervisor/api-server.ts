import { chmodSync, rmSync } from "node:fs";
import type { BunRequest, Server } from "bun";
import type { CreatedBody, ProjectStoppedBody, StatusBody } from "../core/api-types";
import { parseCreateBody } from "../core/create-body";
import { badRequest, TendError } from "../core/errors";
import type { SupervisorInfo } from "../core/supervisor-info";
import { errorResponse, json, patient, type Answer, type RawRoute } from "./api-answer";
import { attachRoute, attachWebSocket } from "./api-attach";
import { eventsResponse } from "./api-events";
import { logsRoute } from "./api-logs";
import { checkPath, durationParam, nameParam, projectParam, signalParam } from "./api-params";
import { screenRoute } from "./api-screen";
import { waitRoute } from "./api-wait";
import type { Supervisor } from "./supervisor";

export interface ApiHandlers {
  supervisor: Supervisor;
  info: () => SupervisorInfo;
  shutdown: () => void;
  /** Stops one project's processes; the supervisor leaves too if nothing else is left. */
  stopProject: (project: string) => Promise<ProjectStoppedBody>;
  /** Told when a request starts and ends, so an idle supervisor never leaves mid-request. */
  activity?: { begin(): void; end(): void };
}


type Method = "GET" | "POST" | "DELETE";
type Handler = (req: BunRequest<string>, server: Server<unknown>) => Response | undefined | Promise<Response | undefined>;
type Routes = Record<string, Partial<Record<Method, Handler>>>;

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("the request body is not valid JSON");
  }
}

function name(req: BunRequest<string>): string {
  return nameParam((req.params as Record<string, string>).name!);
}

function done(work: Promise<unknown>, status = 200): Promise<Answer> {
  return work.then((body) => ({ body, status }));
}

async function create(sup: Supervisor, req: Request): Promise<Answer> {
  const parsed = parseCreateBody(await readJson(req));
  if (parsed instanceof TendError) throw parsed;
  const { processes, replace } = parsed;
  const { records, errors } = await sup.add(processes, { replace });
  // A session that cannot start is the caller's error, not a parked entry left behind.
  const failedSessions = records.filter((r) => r.spec.origin === "session" && r.status.state === "parked" && r.status.pid === null && r.status.startedAt === null);
  if (failedSessions.length > 0 && errors[0]) {
    for (const r of failedSessions) await sup.remove(r.spec.name, {});
    throw errors[0];
  }
  const created: CreatedBody = { records, errors: errors.map((e) => ({ code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) })) };
  return { body: created, status: 201 };
}

async function stopBody(req: Request): Promise<{ signal?: NodeJS.Signals; graceMs?: number }> {
  const body = (await readJson(req)) ?? {};
  if (typeof body !== "object" || Array.isArray(body)) throw badRequest('expected a body like { "signal": "SIGINT", "grace": "5s" }');
  const { signal, grace, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw badRequest(`unknown field "${unknown}"; known: signal, grace`);
  return { signal: signalParam(signal), graceMs: durationParam("grace", grace) };
}

/** A streaming or WebSocket route, given the query with the path's name in it. */
function raw(route: RawRoute): Handler {
  return (req, server) => {
    const params = new URL(req.url).searchParams;
    const pathName = (req.params as Record<string, string>).name;
    if (pathName !== undefined) params.set("name", nameParam(pathName));
    for (const n of params.getAll("name")) nameParam(n);
    return route(req, server, params);
  };
}

function routes(h: ApiHandlers): Routes {
  const sup = h.supervisor;
  return {
    "/v1/status": { GET: () => json({ supervisor: h.info(), processes: sup.list() } satisfies StatusBody) },
    "/v1/events": { GET: (req) => eventsResponse(sup, h.info, req.signal) },
    "/v1/shutdown": {
      POST: () => {
        queueMicrotask(h.shutdown);
        return json({ ok: true }, 202);
      },
    },
    "/v1/processes": {
      GET: () => json({ processes: sup.list() }),
      POST: (req) => patient(create(sup, req), req.signal),
    },
    "/v1/processes/:name": {
      GET: (req) => json(sup.get(name(req))),
      DELETE: (req) => {
        const q = new URL(req.url).searchParams;
        const opts = { signal: signalParam(q.get("signal")), graceMs: durationParam("grace", q.get("grace")), keep: q.get("keep") === "1" };
        return patient(done(sup.remove(name(req), opts)), req.signal);
      },
    },
    "/v1/processes/:name/stop": {
      POST: async (req) => {
        const n = name(req);
        const { signal, graceMs } = await stopBody(req);
        return patient(done(sup.stop(n, signal, graceMs)), req.signal);
      },
    },
    "/v1/processes/:name/restart": {
      POST: (req) => patient(done(sup.restart(name(req))), req.signal),
    },
    "/v1/projects/:project/stop": {
      POST: (req) => patient(done(h.stopProject(projectParam((req.params as Record<string, string>).project!))), req.signal),
    },
    "/v1/processes/:name/wait": { GET: raw(waitRoute(sup)) },
    "/v1/processes/:name/attach": { GET: raw(attachRoute(sup)) },
    "/v1/processes/:name/screen": { GET: raw(screenRoute(sup)) },
    "/v1/logs": { GET: raw(logsRoute(sup)) },
  };
}

/** Every handler answers an error as the API's JSON error, whatever threw it. */
function guarded(handler: Handler, h: ApiHandlers): Handler {
  return async (req, server) => {
    h.activity?.begin();
    try {
      checkPath(req.url);
      return await handler(req, server);
    } catch (error) {
      return errorResponse(error);
    } finally {
      h.activity?.end();
    }
  };
}

function patternOf(route: string): RegExp {
  return new RegExp(`^${route.replace(/:[a-z]+/g, "[^/]+")}$`);
}

/** What the routes do not match: a malformed path, a path with other methods, or none at all. */
function unmatched(table: Routes): (req: Request) => Response {
  const patterns = Object.entries(table).map(([route, methods]) => ({ pattern: patternOf(route), allow: Object.keys(methods) }));
  return (req) => {
    try {
      checkPath(req.url);
      const path = new URL(req.url).pathname;
      const known = patterns.find((p) => p.pattern.test(path));
      if (known) {
        const response = errorResponse(
          new TendError(`${req.method} is not allowed on ${path}`, "method_not_allowed", `use ${known.allow.join(" or ")}`),
        );
        response.headers.set("allow", known.allow.join(", "));
        return response;
      }
      throw new TendError(`no such endpoint: ${req.method} ${path}`, "not_found", "see docs/api.md");
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Serves the control API (HTTP/1.1 + JSON) on the unix socket, reachable by the owner only. */
export function serveApi(socket: string, h: ApiHandlers): { stop(): Promise<void> } {
  rmSync(socket, { force: true });
  const table = routes(h);
  const server = Bun.serve({
    unix: socket,
    routes: Object.fromEntries(
      Object.entries(table).map(([route, methods]) => [
        route,
        Object.fromEntries(Object.entries(methods).map(([method, handler]) => [method, guarded(handler, h)])),
      ]),
    ) as Bun.Serve.Routes<unknown, string>,
    fetch: unmatched(table),
    error: (error) => errorResponse(error),
    websocket: attachWebSocket(h.supervisor),
  });
  chmodSync(socket, 0o600);
  return {
    async stop() {
      // Streams still sending (a follower's last lines) get a moment to finish.
      await Promise.race([server.stop(false), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      server.stop(true);
      try {
        rmSync(socket, { force: true });
      } catch {
        // A home turned read-only keeps it; the supervisor's last words say so.
      }
    },
  };
}
