import type { Server } from "bun";
import { KEEP_ALIVE_MS, type ApiErrorBody } from "../core/api-types";
import { httpStatus, isApiErrorCode, TendError } from "../core/errors";
import { within } from "./within";

/** How the API answers: JSON bodies, errors with their code, and long operations kept alive. */

/**
 * A route that needs more than JSON in, JSON out (streams, WebSockets): it gets the query, with
 * the process name of the path (already checked) as `name`.
 */
export type RawRoute = (req: Request, server: Server<unknown>, params: URLSearchParams) => Response | undefined | Promise<Response | undefined>;

export interface Answer {
  body: unknown;
  status: number;
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

/** Any error as the API's error body. One that is no TendError is a bug, said as such. */
export function errorAnswer(error: unknown): Answer {
  const e =
    error instanceof TendError
      ? error
      : new TendError(`internal error: ${(error as Error)?.message ?? String(error)}`, "internal", "see supervisor.log");
  // A code of the client side has no place on the wire; the message still says what failed.
  const code = isApiErrorCode(e.code) ? e.code : "internal";
  const body: ApiErrorBody = { error: { code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
  return { body, status: httpStatus(code) };
}

export function errorResponse(error: unknown): Response {
  const a = errorAnswer(error);
  return json(a.body, a.status);
}

/** Answers that take longer than this start streaming. */
const PROMPT_MS = 500;

/**
 * Answers with `work`'s outcome. Most work is done in a moment and answered as usual; work
 * that takes longer (a stop that waits out a 30 s grace, a wait for readiness) gets its answer
 * started at once, status 200, then a blank (valid leading JSON white space) every few seconds
 * until the JSON body comes — an error body too, if the work fails. So neither the server's
 * idle timeout nor a client's wait for a first byte cuts a long operation short.
 */
export async function patient(work: Promise<Answer>, signal: AbortSignal): Promise<Response> {
  const outcome = work.then(
    (a) => a,
    (error) => errorAnswer(error),
  );
  const quick = await within(outcome, PROMPT_MS);
  if (quick) return json(quick.body, quick.status);
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<string>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(text);
        } catch {
          clearInterval(keepAlive);
        }
      };
      send(" ");
      keepAlive = setInterval(() => send(" "), KEEP_ALIVE_MS);
      signal.addEventListener("abort", () => clearInterval(keepAlive), { once: true });
      void outcome.then((a) => {
        clearInterval(keepAlive);
        send(JSON.stringify(a.body));
        try {
          controller.close();
        } catch {
          // The client went away first.
        }
      });
    },
    cancel: () => clearInterval(keepAlive),
  });
  return new Response(body, { headers: { "content-type": "application/json" } });
}
