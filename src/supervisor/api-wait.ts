import type { WaitAnswer, WaitFor, WaitOutcome } from "../core/api-types";
import { parseDuration } from "../core/duration";
import { TendError } from "../core/errors";
import { isSettled, type ProcessRecord } from "../core/process-status";
import type { RawRoute } from "./api-server";
import type { Supervisor } from "./supervisor";

/**
 * How a record stands for a waiter: `ready` counts a process without a probe as ready once it
 * runs; any exit before that (even one the restart policy will retry) ends a readiness wait,
 * so CI fails fast on a server that crashes during start.
 */
export function verdict(record: ProcessRecord, waitFor: WaitFor): WaitOutcome | null {
  const s = record.status;
  if (waitFor === "exit") return isSettled(s.state) ? "exited" : null;
  if (s.state === "ready") return "ready";
  if (s.state === "running" && !record.spec.ready) return "ready";
  if (s.state === "running" && s.notReady) return "not-ready";
  if (isSettled(s.state) || s.state === "backoff") return "exited";
  return null;
}

/**
 * GET /v1/processes/NAME/wait?for=ready|exit&timeout=60s — answers once the process is ready
 * (or has ended), driven by its state changes rather than polling, so a readiness wait adds
 * no latency of its own.
 */
export function waitRoute(sup: Supervisor): RawRoute {
  return (req, _server, params) => {
    const name = params.get("name") ?? "";
    const waitFor = (params.get("for") ?? "ready") as WaitFor;
    if (waitFor !== "ready" && waitFor !== "exit") throw new TendError(`for=${waitFor}: expected ready or exit`, "bad_request");
    let timeoutMs: number;
    try {
      timeoutMs = parseDuration(params.get("timeout") ?? "60s");
    } catch (error) {
      throw new TendError((error as Error).message, "bad_request");
    }
    const first = verdict(sup.get(name), waitFor);
    if (first) return Response.json({ outcome: first, record: sup.get(name) } satisfies WaitAnswer);

    // The answer is streamed: blanks (valid leading JSON whitespace) keep a long wait alive
    // past the server's idle timeout, then the JSON object ends it.
    let cleanup = () => {};
    const body = new ReadableStream<string>({
      start(controller) {
        let unsubscribe = () => {};
        const keepAlive = setInterval(() => controller.enqueue(" "), KEEP_ALIVE_MS);
        const timer = setTimeout(() => finish("timeout", sup.get(name)), timeoutMs);
        cleanup = () => {
          clearInterval(keepAlive);
          clearTimeout(timer);
          unsubscribe();
        };
        const finish = (outcome: WaitOutcome, record: ProcessRecord | null) => {
          cleanup();
          controller.enqueue(JSON.stringify({ outcome, record } satisfies WaitAnswer));
          controller.close();
        };
        unsubscribe = sup.subscribe(name, {
          change(record) {
            const v = verdict(record, waitFor);
            if (v) finish(v, record);
          },
          removed: () => finish("removed", null),
        });
      },
      cancel: () => cleanup(),
    });
    req.signal.addEventListener("abort", () => cleanup());
    return new Response(body, { headers: { "content-type": "application/json" } });
  };
}

const KEEP_ALIVE_MS = 5000;
