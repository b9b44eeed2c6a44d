import type { RawRoute } from "./api-server";
import type { Supervisor } from "./supervisor";

/** GET /v1/logs — to be written. */
export function logsRoute(_sup: Supervisor): RawRoute {
  return () => undefined;
}
