import type { WaitAnswer, WaitFor, WaitOutcome } from "../core/api-types";
import { badRequest } from "../core/errors";
import { isSettled, type ProcessRecord } from "../core/process-status";
import { durationParam } from "./api-params";
import { patient } from "./api-answer";
import type { RawRoute } from "./api-answer";
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

/** The answer once NAME's state gives one, driven by its changes rather than polling. */
function answer(sup: Supervisor, name: string, waitFor: WaitFor, timeoutMs: number, signal: AbortSignal): Promise<WaitAnswer> {
  return new Promise((resolve) => {
    const now = sup.get(name);
    const first = verdict(now, waitFor);
    if (first) return resolve({ outcome: first, record: now });
    const finish = (outcome: WaitOutcome, record: ProcessRecord | null) => {
      cleanup();
      resolve({ outcome, record });
    };
    const timer = setTimeout(() => finish("timeout", sup.list().find((r) => r.spec.name === name) ?? null), timeoutMs);
    const unsubscribe = sup.subscribe(name, {
      change(record) {
        const v = verdict(record, waitFor);
        if (v) finish(v, record);
      },
      removed: () => finish("removed", null),
    });
    const cleanup = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    signal.addEventListener("abort", cleanup, { once: true });
  });
}

/**
 * GET /v1/processes/NAME/wait?for=ready|exit&timeout=60s — answers once the process is ready
 * (or has ended), or ends, or the timeout passes; a readiness wait adds no latency of its own.
 */
export function waitRoute(sup: Supervisor): RawRoute {
  return (req, _server, params) => {
    const name = params.get("name")!;
    const waitFor = params.get("for") ?? "ready";
    if (waitFor !== "ready" && waitFor !== "exit") throw badRequest(`for=${waitFor}: expected ready or exit`);
    const timeoutMs = durationParam("timeout", params.get("timeout")) ?? 60_000;
    const work = answer(sup, name, waitFor, timeoutMs, req.signal).then((body) => ({ body, status: 200 }));
    return patient(work, req.signal);
  };
}
