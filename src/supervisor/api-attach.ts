import type { WebSocketHandler } from "bun";
import type { RawRoute } from "./api-server";
import type { Supervisor } from "./supervisor";

/** GET /v1/processes/:name/attach (WebSocket upgrade) — to be written. */
export function attachRoute(_sup: Supervisor): RawRoute {
  return () => undefined;
}

export function attachWebSocket(_sup: Supervisor): WebSocketHandler<unknown> {
  return { message() {} };
}
